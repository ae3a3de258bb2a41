"""Bottlenecks: how long tickets stay in each status, where they wait now, and the cumulative
flow over the window.

Time is wall-clock. A stay counts when the window holds both ends of it: one that began
before the window is left out (its start is not read), so a status whose stays last longer
than the window shows too few of them; "waiting now" shows those from the tickets
themselves (`status_since`), whatever their age.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from ..events import Event
from ..lifecycle import Status
from ..ticket import Ticket
from .aging import OPEN_ORDER
from .history import FINISHED_NAMES, change, filed_into
from .model import Cfd, CfdPoint, StateTime, Waiting
from .stats import day_end, hours, median, percentile

ALL_ORDER = tuple(s.value for s in Status)
DONE = "done"
BANDS = (*OPEN_ORDER, DONE)


def stints(histories: Mapping[int, Sequence[Event]]) -> dict[str, list[float]]:
    """Seconds of every completed stay in a status, by status."""
    found: dict[str, list[float]] = defaultdict(list)
    for events in histories.values():
        state: str | None = None
        since: datetime | None = None
        for e in events:
            entered = filed_into(e)
            if entered is not None:
                state, since = entered, e.at
                continue
            moved = change(e)
            if moved is None:
                continue
            if state == moved[0] and since is not None:
                found[state].append((e.at - since).total_seconds())
            state, since = moved[1], e.at
    return found


def time_in_state(histories: Mapping[int, Sequence[Event]]) -> tuple[StateTime, ...]:
    found = stints(histories)
    return tuple(
        StateTime(
            state=state,
            stints=len(found[state]),
            median_hours=hours(median(found[state])),
            p85_hours=hours(percentile(found[state], 85)),
        )
        for state in ALL_ORDER
        if found.get(state)
    )


def waiting(open_tickets: Sequence[Ticket], now: datetime) -> tuple[Waiting, ...]:
    by_state: dict[str, list[float]] = {s: [] for s in OPEN_ORDER}
    for t in open_tickets:
        since = t.status_since or t.created_at
        by_state.setdefault(t.status.value, []).append(max((now - since).total_seconds(), 0.0))
    return tuple(
        Waiting(
            state=state,
            tickets=len(ages),
            median_hours=hours(median(ages)),
            p85_hours=hours(percentile(ages, 85)),
            ticket_days=round(sum(ages) / 86400, 2),
        )
        for state, ages in by_state.items()
    )


def _band(state: str) -> str:
    return DONE if state in FINISHED_NAMES else state


def cfd(
    open_tickets: Sequence[Ticket], events: Sequence[Event], days: Sequence[date], now: datetime
) -> Cfd:
    """Counts per band at the end of each day (today: now), from the counts now, walking the
    window's events backwards: before a change the ticket was in its `from` status, before a
    filing it was nowhere. `done` starts from 0 at the window's start."""
    counts = {band: 0 for band in BANDS}
    for t in open_tickets:
        counts[_band(t.status.value)] = counts.get(_band(t.status.value), 0) + 1
    for e in events:
        moved = change(e)
        if moved is not None and _band(moved[0]) != _band(moved[1]):
            counts[DONE] += (moved[1] in FINISHED_NAMES) - (moved[0] in FINISHED_NAMES)
    pending = sorted(events, key=lambda e: e.at, reverse=True)
    i = 0
    points = []
    for day in reversed(days):
        at = min(day_end(day), now)
        while i < len(pending) and pending[i].at > at:
            e = pending[i]
            entered = filed_into(e)
            moved = change(e)
            if entered is not None:
                counts[_band(entered)] -= 1
            elif moved is not None:
                counts[_band(moved[1])] -= 1
                counts[_band(moved[0])] += 1
            i += 1
        points.append(CfdPoint(day=day, at=at, counts=dict(counts)))
    return Cfd(bands=BANDS, points=tuple(reversed(points)))
