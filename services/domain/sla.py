"""SLA clocks, computed from a ticket's events, so a policy change re-evaluates the same
history the same way and every number can be explained.

The clock runs while the ticket is open, pauses while it waits on the requester
(`needs-info`) or is postponed, and stops when its target is reached: first response at the
first public step by a person of the team, resolution at `resolved` (a reopen runs it again).
Time counts in business hours of the team's calendar, or wall-clock, per ticket type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import Calendar
from .events import TICKET_FILED, Event

PAUSED = frozenset({"needs-info", "postponed"})
FINISHED = frozenset({"resolved", "closed", "rejected"})


@dataclass(frozen=True)
class SlaState:
    name: str  # first_response | resolution
    target_seconds: float
    elapsed_seconds: float
    state: str  # running | paused | met | breached
    due: datetime | None  # when it breaches if nothing changes (running only)
    warn_at: datetime | None

    @property
    def remaining_seconds(self) -> float:
        return self.target_seconds - self.elapsed_seconds


def _timeline(history: Sequence[Event]) -> list[tuple[datetime, str]]:
    """(since, status) for each status the ticket has been in, oldest first."""
    points: list[tuple[datetime, str]] = []
    for e in history:
        if e.kind == TICKET_FILED and not points:
            points.append((e.at, "new" if e.data.get("source") != "split" else "triaged"))
        elif "from" in e.data and "to" in e.data and points:  # a status change
            points.append((e.at, str(e.data["to"])))
    return points


def _first_response(history: Sequence[Event]) -> datetime | None:
    return next((e.at for e in history if e.public and e.actor.startswith("staff:")), None)


@dataclass(frozen=True)
class _Clock:
    """Business hours of `calendar`, or wall-clock time when it is None."""

    calendar: Calendar | None

    def seconds(self, a: datetime, b: datetime) -> float:
        if b <= a:
            return 0.0
        if self.calendar:
            return self.calendar.business_seconds(a, b)
        return (b - a).total_seconds()

    def later(self, start: datetime, secs: float) -> datetime:
        if self.calendar:
            return self.calendar.add_business_seconds(start, max(secs, 0.0))
        return start + timedelta(seconds=max(secs, 0.0))


def _elapsed(
    timeline: list[tuple[datetime, str]], stop_at: datetime | None, now: datetime, clock: _Clock
) -> float:
    """Seconds the clock ran: open and not paused, up to `now` or `stop_at`."""
    elapsed = 0.0
    for i, (since, status) in enumerate(timeline):
        until = timeline[i + 1][0] if i + 1 < len(timeline) else now
        if stop_at is not None:
            until = min(until, stop_at)
        if status not in PAUSED and status not in FINISHED and until > since:
            elapsed += clock.seconds(since, until)
    return elapsed


def evaluate(
    history: Sequence[Event],
    targets: dict[str, float],
    calendar: Calendar | None,
    now: datetime,
    warn_share: float,
) -> list[SlaState]:
    """The state of each SLA target (seconds) at `now`. `calendar` None means wall-clock."""
    timeline = _timeline(history)
    if not timeline:
        return []
    clock = _Clock(calendar)
    responded = _first_response(history)
    current = timeline[-1][1]
    states = []
    for name, target in targets.items():
        stop_at = responded if name == "first_response" else None
        elapsed = _elapsed(timeline, stop_at, now, clock)
        if stop_at is not None or current in FINISHED:
            state = "met" if elapsed <= target else "breached"
            states.append(SlaState(name, target, elapsed, state, None, None))
        elif elapsed >= target:
            states.append(SlaState(name, target, elapsed, "breached", None, None))
        elif current in PAUSED:
            states.append(SlaState(name, target, elapsed, "paused", None, None))
        else:
            due = clock.later(now, target - elapsed)
            warn_at = clock.later(now, target * warn_share - elapsed)
            states.append(SlaState(name, target, elapsed, "running", due, warn_at))
    return states
