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

from services.domain import timers
from services.domain.errors import StaleVersion, TicketNotFound
from services.domain.flow import FlowConfig
from services.domain.ports import Clock, TicketRepository

log = logging.getLogger(__name__)
ATTEMPTS = 3


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


def _timer_data(name, due_at, ticket, history, deps, now) -> dict:
    data = {"due": due_at.isoformat()}
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


def fire_due(number: int, deps: SchedulerDeps, now: datetime, report: RunReport) -> None:
    """Fire the ticket's due timers one transaction at a time, earliest first. The ticket
    and its history are read once, and again only when someone else changed it meanwhile."""
    attempts = 0
    ticket = history = None
    while True:
        if ticket is None:
            try:
                ticket = deps.tickets.get(number)
            except TicketNotFound:
                return
            history = deps.tickets.history(number)
        due = sorted((at, name) for name, at in ticket.timers.items() if at <= now)
        if not due:
            return
        # A change since a timer was set may have overtaken it (an answer just before the
        # nudge, a resolve just before the warning): review first, and fire only what a fresh
        # plan still holds, not before the plan's time (a policy change may move it later).
        review_due = timers.REVIEW in ticket.timers and ticket.timers[timers.REVIEW] <= now
        name = timers.REVIEW if review_due else due[0][1]
        planned = timers.plan(ticket, history, deps.flow, now)
        if name == timers.REVIEW or planned.get(name, datetime.max.replace(tzinfo=UTC)) > now:
            name = timers.REVIEW
            change = ticket.replan(planned, now=now)
        else:
            change = ticket.fire(
                name, now=now, data=_timer_data(name, due[0][0], ticket, history, deps, now)
            )
            # Plan the rest from the history this firing extends (the wake, say, restarts
            # the SLA clock), in the same transaction.
            ticket.timers = timers.plan(ticket, [*history, change.event], deps.flow, now)
        try:
            deps.tickets.save(ticket, change)
        except StaleVersion:
            attempts += 1
            if attempts >= ATTEMPTS:
                raise
            ticket = None  # someone changed it (or another run fired it): read it again
            continue
        if change.event is not None:
            history = [*history, change.event]
        if name == timers.REVIEW:
            report.replanned += 1
        else:
            report.fired.append(f"#{number} {name}")
