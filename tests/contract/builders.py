"""Tickets and changes built directly, with only what a contract case needs to vary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.domain.drafts import Requester
from services.domain.events import Event
from services.domain.lifecycle import Status
from services.domain.ticket import Change, Escalation, Ticket, WipChange

T0 = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def ticket(
    tickets: Any,
    *,
    at: datetime = T0,
    status: Status = Status.NEW,
    email: str = "ana@example.org",
    **fields: Any,
) -> Ticket:
    """A new ticket, numbered by the repository, not stored yet."""
    return Ticket(
        number=tickets.next_number(),
        type="general",
        title="Grant the analytics team a read replica",
        requirements="A read replica of the wiki database.",
        requester=Requester(name="Ana Souza", email=email),
        created_at=at,
        updated_at=at,
        token_salt="salt",
        token_digest="digest",
        status=status,
        **fields,
    )


def event(t: Ticket, kind: str = "ticket.commented", at: datetime | None = None) -> Event:
    return Event(ticket=t.number, kind=kind, at=at or t.updated_at, actor="api", public=True)


def stored(tickets: Any, **kwargs: Any) -> Ticket:
    """A ticket filed (added with its first event)."""
    t = ticket(tickets, **kwargs)
    tickets.add(t, event(t, "ticket.filed"))
    return t


def taken(t: Ticket, member: str, limit: int | None = None) -> Change:
    """`member` takes the ticket: it counts against their WIP limit."""
    t.owner, t.status = member, Status.ASSIGNED
    return Change(event(t, "ticket.assigned"), wip=(WipChange(member, 1, limit),))


def finished(t: Ticket, member: str) -> Change:
    t.status = Status.RESOLVED
    return Change(event(t, "ticket.resolved"), wip=(WipChange(member, -1),))


def escalation(by: str = "priya") -> Escalation:
    return Escalation(to="mira", by=by, reason="needs a decision", at=T0)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
