"""The minute job: fire every due timer exactly once.

It reads only the due entries of the sparse timer index, so its cost follows what is due,
not the size of the table. Each timer fires in a transaction of its own that removes it from
the ticket (guarded by the ticket's version): two overlapping runs cannot both fire it (the
second finds it gone), and a run that dies halfway leaves the rest in the index for the next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.domain import timers
from services.domain.errors import StaleVersion, TicketNotFound
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.ports import Clock, TicketRepository
from services.domain.ticket import Change, Ticket

from .retry import retry_on_conflict

log = logging.getLogger(__name__)
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SchedulerDeps:
    tickets: TicketRepository
    flow: FlowConfig
    clock: Clock


@dataclass
class RunReport:
    due_tickets: int = 0
    fired: list[str] = field(default_factory=list)  # "#<n> <timer>"
    replanned: int = 0

    @property
    def counts(self) -> tuple[int, int, int]:
        """Tickets due, timers fired, tickets re-planned."""
        return self.due_tickets, len(self.fired), self.replanned


def run_due(deps: SchedulerDeps, now: datetime | None = None) -> RunReport:
    now = now or deps.clock.now()
    report = RunReport()
    numbers = deps.tickets.due(now)
    report.due_tickets = len(numbers)
    for number in numbers:
        try:
            fire_due(number, deps, now, report)
        except StaleVersion:
            log.warning("ticket #%s kept changing; its timers wait for the next run", number)
        except Exception:
            # One ticket's trouble must not hold up every timer due after it.
            log.exception("ticket #%s: a due timer could not fire; the others go on", number)
    return report


def _timer_data(
    name: str,
    due_at: datetime,
    ticket: Ticket,
    history: list[Event],
    deps: SchedulerDeps,
    now: datetime,
) -> dict[str, Any]:
    data: dict[str, Any] = {"due": due_at.isoformat()}
    kind, _, target = name.partition(":")
    if kind in ("sla-warn", "sla-breach"):
        for state in timers.sla_states(ticket, history, deps.flow, now):
            if state.name == target:
                data |= {
                    "sla_due": state.due.isoformat() if state.due else None,
                    "elapsed_seconds": round(state.elapsed_seconds),
                    "target_seconds": round(state.target_seconds),
                }
    return data


class _Reads:
    """The ticket and its history, read once and again only after someone else changed it."""

    def __init__(self, number: int, tickets: TicketRepository):
        self.number, self.tickets = number, tickets
        self.ticket: Ticket | None = None
        self.history: list[Event] = []

    def get(self) -> Ticket | None:
        if self.ticket is None:
            try:
                self.ticket, self.history = self.tickets.get_with_history(self.number)
            except TicketNotFound:
                return None
        return self.ticket

    def forget(self) -> None:
        self.ticket = None


def fire_due(number: int, deps: SchedulerDeps, now: datetime, report: RunReport) -> None:
    """Fire the ticket's due timers one transaction at a time, earliest first. Someone
    changing the ticket meanwhile (or another run firing it) means reading it again."""
    reads = _Reads(number, deps.tickets)
    retry_on_conflict(lambda: _fire_all(reads, deps, now, report), on_conflict=reads.forget)


def _fire_all(reads: _Reads, deps: SchedulerDeps, now: datetime, report: RunReport) -> None:
    while (ticket := reads.get()) is not None:
        due = sorted((at, name) for name, at in ticket.timers.items() if at <= now)
        if not due:
            return
        name, change = _next_change(ticket, reads.history, due[0], deps, now)
        deps.tickets.save(ticket, change)
        if change.event is not None:
            reads.history = [*reads.history, change.event]
        if name == timers.REVIEW:
            report.replanned += 1
        else:
            report.fired.append(f"#{reads.number} {name}")


def _next_change(
    ticket: Ticket,
    history: list[Event],
    earliest: tuple[datetime, str],
    deps: SchedulerDeps,
    now: datetime,
) -> tuple[str, Change]:
    # A change since a timer was set may have overtaken it (an answer just before the
    # nudge, a resolve just before the warning): review first, and fire only what a fresh
    # plan still holds, not before the plan's time (a policy change may move it later).
    due_at, name = earliest
    review_due = timers.REVIEW in ticket.timers and ticket.timers[timers.REVIEW] <= now
    planned = timers.plan(ticket, history, deps.flow, now)
    if review_due or name == timers.REVIEW or planned.get(name, _NEVER) > now:
        return timers.REVIEW, ticket.replan(planned)
    change = ticket.fire(name, now=now, data=_timer_data(name, due_at, ticket, history, deps, now))
    # Plan the rest from the history this firing extends (the wake, say, restarts the SLA
    # clock), in the same transaction.
    extended = history if change.event is None else [*history, change.event]
    ticket.timers = timers.plan(ticket, extended, deps.flow, now)
    return name, change
