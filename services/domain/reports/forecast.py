"""Capacity planning: when will the open queue (and each owner's) be done, if the coming days
finish as many tickets as days of the window did?

A Monte-Carlo simulation over historical throughput: each trial draws a day's throughput at
random (with replacement) from the complete days of the window, zeros included (weekends,
holidays, bad days), day after day until the open tickets are used up; the trials' days,
sorted, give the P50 and P85 completion dates (nearest rank: 85 % of the trials were done by
the P85 date). New tickets arriving meanwhile are not simulated: the dates say when today's
queue is worked off at today's pace. No throughput in the history: no forecast.

The random numbers come from the `random.Random` passed in, so a seed gives the same dates.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from datetime import date, timedelta

from .model import ForecastLine
from .stats import percentile

TRIALS = 2_000
# A trial that has not finished after this many days is "beyond the horizon".
HORIZON_DAYS = 3 * 365
# Days drawn at once: one call into the random module per chunk, not per day.
_CHUNK = 32


def trial_days(
    remaining: int,
    history: Sequence[int],
    rng: random.Random,
    trials: int = TRIALS,
    horizon: int = HORIZON_DAYS,
) -> list[int | None]:
    """Days each trial took to finish `remaining` tickets (None: beyond the horizon)."""
    if remaining <= 0:
        return [0] * trials
    out: list[int | None] = []
    for _ in range(trials):
        done, day, finished = 0, 0, None
        while day < horizon:
            sums = list(itertools.accumulate(rng.choices(history, k=_CHUNK), initial=done))[1:]
            i = bisect.bisect_left(sums, remaining)
            if i < len(sums):
                finished = day + i + 1
                break
            done, day = sums[-1], day + _CHUNK
        out.append(finished if finished is not None and finished <= horizon else None)
    return out


def forecast_line(
    scope: str,
    name: str,
    remaining: int,
    history: Sequence[int],
    today: date,
    rng: random.Random,
    trials: int = TRIALS,
    horizon: int = HORIZON_DAYS,
) -> ForecastLine:
    base = {
        "scope": scope,
        "name": name,
        "open": remaining,
        "history_days": len(history),
        "done_in_history": sum(history),
        "mean_per_day": round(sum(history) / len(history), 2) if history else 0.0,
    }
    empty = {"p50_days": None, "p85_days": None, "p50": None, "p85": None}
    if remaining <= 0:
        return ForecastLine(
            **base, p50_days=0, p85_days=0, p50=today, p85=today, note="nothing open"
        )
    if not any(history):
        why = "no forecast: no ticket was finished in the history"
        if not history:
            why = "no forecast: the window has no complete day"
        return ForecastLine(**base, **empty, note=why)
    results = trial_days(remaining, history, rng, trials, horizon)
    # Beyond the horizon sorts last, as the longest of all.
    ranked = [d if d is not None else horizon + 1 for d in results]
    p50, p85 = percentile(ranked, 50), percentile(ranked, 85)
    assert p50 is not None and p85 is not None
    beyond = f"beyond {today + timedelta(days=horizon)}"
    return ForecastLine(
        **base,
        p50_days=int(p50) if p50 <= horizon else None,
        p85_days=int(p85) if p85 <= horizon else None,
        p50=today + timedelta(days=int(p50)) if p50 <= horizon else None,
        p85=today + timedelta(days=int(p85)) if p85 <= horizon else None,
        note="" if p85 <= horizon else beyond,
    )
