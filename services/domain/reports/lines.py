"""Open tickets as report lines, and the order the lists use."""

from __future__ import annotations

from datetime import datetime

from ..ticket import Ticket
from .model import TicketLine
from .stats import days


def line(ticket: Ticket, now: datetime, note: str = "") -> TicketLine:
    since = ticket.status_since or ticket.created_at
    return TicketLine(
        number=ticket.number,
        title=ticket.title,
        type=ticket.type,
        status=ticket.status.value,
        owner=ticket.owner,
        age_days=days((now - ticket.created_at).total_seconds()),
        in_state_days=days((now - since).total_seconds()),
        note=note,
    )


def oldest_first(tickets: list[Ticket]) -> list[Ticket]:
    return sorted(tickets, key=lambda t: (t.created_at, t.number))
