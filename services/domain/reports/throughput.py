"""Throughput and cycle time per ticket type: tickets that left the open queue in the window
(resolved, closed or rejected from an open status; a reopened ticket that finishes again
counts again), and how long each took from filing to finishing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..events import Event
from ..flow import FlowConfig
from ..lifecycle import Status
from .history import change, is_completion
from .model import DayCount, TypeFlow
from .stats import hours, median, percentile, utc_day

UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class Known:
    """What a report knows of a ticket it did not read whole: from the open tickets, the
    finished tickets looked up by number, or its filing in the window."""

    type: str
    created_at: datetime
    owner: str | None


@dataclass(frozen=True)
class Completion:
    ticket: int
    at: datetime
    to: str
    type: str
    owner: str | None
    cycle_seconds: float | None


def completions(events: Sequence[Event], known: Mapping[int, Known]) -> list[Completion]:
    out = []
    for e in events:
        moved = change(e)
        if moved is None or not is_completion(e):
            continue
        info = known.get(e.ticket)
        out.append(
            Completion(
                ticket=e.ticket,
                at=e.at,
                to=moved[1],
                type=info.type if info else UNKNOWN,
                owner=info.owner if info else None,
                cycle_seconds=(e.at - info.created_at).total_seconds() if info else None,
            )
        )
    return out


def daily(done: Sequence[Completion], days: Sequence[date]) -> tuple[DayCount, ...]:
    per_day: dict[date, int] = defaultdict(int)
    for c in done:
        per_day[utc_day(c.at)] += 1
    return tuple(DayCount(day=d, done=per_day.get(d, 0)) for d in days)


def per_type(
    done: Sequence[Completion], flow: FlowConfig, span_days: float
) -> tuple[TypeFlow, ...]:
    by_type: dict[str, list[Completion]] = {t.name: [] for t in flow.ticket_types}
    for c in done:
        by_type.setdefault(c.type, []).append(c)
    rows = []
    for name, items in by_type.items():
        cycles = [c.cycle_seconds for c in items if c.cycle_seconds is not None]
        rows.append(
            TypeFlow(
                type=name,
                done=len(items),
                resolved=sum(c.to == Status.RESOLVED.value for c in items),
                rejected=sum(c.to == Status.REJECTED.value for c in items),
                per_week=round(len(items) / span_days * 7, 2) if span_days > 0 else 0.0,
                cycle_median_hours=hours(median(cycles)),
                cycle_p85_hours=hours(percentile(cycles, 85)),
            )
        )
    return tuple(rows)
