"""Which timers a ticket has pending, derived from its state and history.

Timers live on the ticket (`timers`: name -> when), indexed by a sparse GSI on the earliest,
so the minute job reads only what is due. A change that may move a timer marks the ticket
for review, and its writer plans the timers from the events before it saves (`plan_change`),
in the change's own transaction; a mark left by a writer that does not plan is planned by
the scheduler. The scheduler fires each due timer in a transaction of its own that removes
it, so no timer fires twice and none is lost. What fired is remembered (`fired`), so a plan
never brings it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .calendar import Calendar
from .events import Event
from .flow import FlowConfig
from .lifecycle import Status
from .sla import SlaState, evaluate

if TYPE_CHECKING:  # the ticket imports this module's timer names
    from .ticket import Ticket

REVIEW = "review"
WAKE = "wake"


def sla_warn(name: str) -> str:
    return f"sla-warn:{name}"


def sla_breach(name: str) -> str:
    return f"sla-breach:{name}"


def nudge(since: datetime) -> str:
    return f"nudge:{since.isoformat()}"


def auto_close(since: datetime) -> str:
    return f"auto-close:{since.isoformat()}"


def drop_dead_owner(owner: str) -> str:
    return f"drop-dead:owner:{owner}"  # a new owner is reminded too


DROP_DEAD_TRIAGER = "drop-dead:triager"


def working_days_before(calendar: Calendar, day: date, days: int) -> datetime:
    """The start of the working day `days` working days before `day` (aware UTC)."""
    zone = ZoneInfo(calendar.timezone)
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    current = day
    left = days
    while left > 0:
        current -= timedelta(days=1)
        if names[current.weekday()] in calendar.working_days and current not in calendar.holidays:
            left -= 1
    return datetime.combine(current, calendar.start, zone).astimezone(ZoneInfo("UTC"))


def sla_states(
    ticket: Ticket, history: Sequence[Event], flow: FlowConfig, now: datetime
) -> list[SlaState]:
    ticket_type = flow.ticket_type(ticket.type)
    if ticket_type is None or ticket_type.sla is None:
        return []
    sla = ticket_type.sla
    calendar = flow.calendar if sla.business_hours else None
    return evaluate(history, sla.targets(flow.calendar), calendar, now, sla.warn_at)


def plan(
    ticket: Ticket, history: Sequence[Event], flow: FlowConfig, now: datetime
) -> dict[str, datetime]:
    """Every timer the ticket should have pending now (fired ones excluded)."""
    timers: dict[str, datetime] = {}
    if ticket.status is Status.POSTPONED and ticket.postponed_until is not None:
        timers[WAKE] = ticket.postponed_until
    if not ticket.is_open:
        return timers
    timers |= _sla_timers(sla_states(ticket, history, flow, now), now)
    timers |= _needs_info_timers(ticket, flow)
    timers |= _drop_dead_timers(ticket, flow)
    return {k: v for k, v in timers.items() if k not in ticket.fired}


def _sla_timers(states: list[SlaState], now: datetime) -> dict[str, datetime]:
    """A warning and a breach for each running clock; a breach now for one already over."""
    timers: dict[str, datetime] = {}
    for state in states:
        if state.state == "running":
            if state.warn_at is not None:
                timers[sla_warn(state.name)] = state.warn_at
            if state.due is not None:
                timers[sla_breach(state.name)] = state.due
        elif state.state == "breached":
            timers[sla_breach(state.name)] = now
    return timers


def _needs_info_timers(ticket: Ticket, flow: FlowConfig) -> dict[str, datetime]:
    """While it waits on the requester: a nudge, then closing it for want of an answer. A
    tool's ticket waits on no one: its requester is the tool, which answers nothing."""
    ticket_type = flow.ticket_type(ticket.type)
    if ticket.status is not Status.NEEDS_INFO or not ticket_type or not ticket.status_since:
        return {}
    if ticket_type.from_tools:
        return {}
    policy, since = ticket_type.needs_info, ticket.status_since
    timers: dict[str, datetime] = {}
    if policy.remind_after_days:
        timers[nudge(since)] = flow.calendar.add_working_days(since, policy.remind_after_days)
    if policy.close_after_days:
        timers[auto_close(since)] = flow.calendar.add_working_days(since, policy.close_after_days)
    return timers


def _drop_dead_timers(ticket: Ticket, flow: FlowConfig) -> dict[str, datetime]:
    """A reminder before the drop-dead date: to the owner, or to the triagers when unowned."""
    if ticket.drop_dead_date is None:  # postponed too: a deadline does not wait
        return {}
    if ticket.owner:
        lead = flow.drop_dead.owner_lead_days
        return {
            drop_dead_owner(ticket.owner): working_days_before(
                flow.calendar, ticket.drop_dead_date, lead
            )
        }
    lead = flow.drop_dead.triager_lead_days
    return {DROP_DEAD_TRIAGER: working_days_before(flow.calendar, ticket.drop_dead_date, lead)}


def needs_plan(ticket: Ticket) -> bool:
    """The change in hand marked the ticket for review: its timers must be planned again."""
    return REVIEW in ticket.timers


def plan_change(
    ticket: Ticket, history: Sequence[Event], event: Event | None, flow: FlowConfig
) -> None:
    """Plan the timers of a ticket its change marked for review, from the history the change
    extends and its own event, at the change's time: what the scheduler's review would plan."""
    marked = ticket.timers.get(REVIEW)
    if marked is None:
        return
    events = [*history, event] if event is not None else list(history)
    ticket.timers = plan(ticket, events, flow, event.at if event is not None else marked)


def earliest(timers: dict[str, datetime]) -> datetime | None:
    return min(timers.values()) if timers else None
