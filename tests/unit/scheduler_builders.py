"""Tickets filed, triaged, acted on and left to the minute job at given UTC times: what the
scheduler tests build on. The example team works 09:00-17:00 Amsterdam (08:00-16:00 UTC
in December), with holidays on Fri 25 December 2026 and Fri 1 January 2027."""

from __future__ import annotations

from datetime import UTC, datetime

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.timers import run_due
from services.application.triage import TriageDeps, triage
from services.domain import timers
from services.domain.actors import Actor
from services.domain.lifecycle import Status
from tests.conftest import valid_ticket

SECRET = "x" * 48
ANA = Actor.requester("ana@example.org")
MON_14 = datetime(2026, 12, 14, 8, tzinfo=UTC)  # 09:00 in Amsterdam
THU_17 = datetime(2026, 12, 17, 9, tzinfo=UTC)  # 10:00 in Amsterdam
FIRST_WARN = timers.sla_warn("first_response")
FIRST_BREACH = timers.sla_breach("first_response")


def utc(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def file(deps, at: datetime, **overrides) -> int:
    deps.clock.current = at
    data = valid_ticket(**{"drop_dead_date": None, "nice_to_have_date": None, **overrides})
    filed = file_ticket(
        data,
        TicketDeps(deps.tickets, deps.flow, deps.clock, SECRET),
        source="api",
    )
    return filed.ticket.number


def act(deps, number: int, method: str, at: datetime, **kwargs) -> None:
    """One action through the domain, saved as the services save it."""
    deps.clock.current = at
    ticket = deps.tickets.get(number)
    change = getattr(ticket, method)(now=at, **kwargs)
    deps.tickets.save(ticket, change)


def staff(deps, member: str) -> Actor:
    return Actor.staff(deps.flow.member(member))


def run(deps, at: datetime):
    deps.clock.current = at
    return run_due(deps)


def kinds(deps, number: int) -> list[str]:
    return [e.kind for e in deps.tickets.history(number)]


def count(deps, number: int, kind: str) -> int:
    return kinds(deps, number).count(kind)


def triaged_by_the_service(deps, at: datetime = MON_14) -> int:
    """Filed and routed by the triage service, which is no first response: the clock runs.

    First response: warning at 6 h 24 min (14:24 UTC), breach at 8 h (16:00 UTC) on Mon 14.
    Resolution: warning at 64 h (Wed 23 16:00 UTC), breach at 80 h (Mon 28 16:00 UTC)."""
    number = file(deps, at)
    triage(number, TriageDeps(tickets=deps.tickets, flow=deps.flow, clock=deps.clock))
    ticket = deps.tickets.get(number)
    assert ticket.status is Status.ASSIGNED and ticket.owner == "priya"
    return number


def waiting_for_information(deps, at: datetime = THU_17) -> int:
    """Mira asks the requester for more at Thu 17 10:00 Amsterdam: nudge after 3 working days
    (Tue 22 09:00 UTC), close after 10 (Mon 4 January 09:00 UTC; Fri 25 and Fri 1 are
    holidays). Her request is the first response; the resolution clock is paused."""
    number = file(deps, at)
    act(deps, number, "request_info", at, missing=["capacity_needs"], actor=staff(deps, "mira"))
    return number
