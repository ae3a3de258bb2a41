"""Reading what a report needs through the ports, and computing it (services.domain.reports).

Reads: the open tickets (one by-status query per open status), the events of each day of the
window (one by-day query a day) and the tickets that finished in the window (a batch get by
number, for their type and filing time). Never a scan: the cost follows the open queue and
the window, not the table.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.domain import reports
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.lifecycle import OPEN, Status
from services.domain.ports import Clock, Mailer, TicketRepository
from services.domain.reports import Report
from services.domain.reports.store import ReportStore
from services.domain.ticket import Ticket

# Open tickets read per status. A team's queue holds thousands at most; past this the report
# says it is truncated rather than read without end.
OPEN_LIMIT = 50_000

Progress = Callable[[int], None]  # steps done since the last call


@dataclass(frozen=True)
class ReportDeps:
    tickets: TicketRepository
    flow: FlowConfig
    clock: Clock
    store: ReportStore | None = None
    mailer: Mailer | None = None
    base_url: str = ""


@dataclass
class Gathered:
    open_tickets: list[Ticket] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    finished: dict[int, Ticket] = field(default_factory=dict)
    truncated: bool = False


def steps(days: int) -> int:
    """Reads a report makes: one per open status, one per day, one for finished tickets."""
    return len(OPEN) + days + 1


def gather(
    tickets: TicketRepository, now: datetime, days: int, progress: Progress | None = None
) -> Gathered:
    tick = progress or (lambda n: None)
    got = Gathered()
    for status in (s for s in Status if s in OPEN):
        found = tickets.by_status(status, limit=OPEN_LIMIT)
        got.truncated |= len(found) >= OPEN_LIMIT
        got.open_tickets.extend(found)
        tick(1)
    for day in reports.window(now, days):
        got.events.extend(tickets.events_on(day))
        tick(1)
    numbers = reports.finished_numbers(got.events, {t.number for t in got.open_tickets})
    got.finished = tickets.get_many(numbers) if numbers else {}
    tick(1)
    return got


def generate(
    deps: ReportDeps,
    kind: str = "daily",
    *,
    now: datetime | None = None,
    days: int | None = None,
    progress: Progress | None = None,
) -> Report:
    now = now or deps.clock.now()
    days = days or reports.DEFAULT_DAYS[kind]
    got = gather(deps.tickets, now, days, progress)
    return reports.build_report(
        open_tickets=got.open_tickets,
        events=got.events,
        finished=got.finished,
        flow=deps.flow,
        now=now,
        days=days,
        kind=kind,
        # Seeded by the period: a rerun on the same data gives the same forecast.
        rng=random.Random(f"{kind}:{reports.period_of(kind, now)}"),  # noqa: S311 - a simulation
        truncated=got.truncated,
    )
