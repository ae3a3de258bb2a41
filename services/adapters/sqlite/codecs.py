"""Tickets and events to rows and back: the stored format is the database's contract.

A ticket is the domain's JSON document of every field of the Ticket but its version, which
has a column of its own (services/domain/ticket/document.py): times as ISO 8601 with their
offsets, so a ticket reads back equal to what was saved. An event is stored in the form the
relay sends (Event.to_message).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

from services.domain.events import Event
from services.domain.ticket import Ticket
from services.domain.ticket.document import ticket_from_document, ticket_to_document


def utc_text(moment: datetime) -> str:
    """Sortable as text: UTC with microseconds. A naive time is taken to be UTC already."""
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def utc_day(moment: datetime) -> str:
    return utc_text(moment)[:10]


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def ticket_document(t: Ticket) -> str:
    return _json(ticket_to_document(t))


def decode_ticket(body: str, version: int) -> Ticket:
    return ticket_from_document(json.loads(body), version)


def event_document(e: Event) -> str:
    return _json(e.to_message())


def decode_event(body: str) -> Event:
    return Event.from_message(json.loads(body))


@dataclasses.dataclass(frozen=True)
class TicketRow:
    """The ticket's row: its document and the columns its views and indexes read."""

    number: int
    body: str
    status: str
    filed_at: str
    requester: str
    open_owner: str | None
    escalated: int | None
    public_status: str | None

    @classmethod
    def of(cls, t: Ticket) -> TicketRow:
        return cls(
            number=t.number,
            body=ticket_document(t),
            status=t.status.value,
            filed_at=utc_text(t.created_at),
            requester=t.requester.email.lower(),
            # Only open tickets count against their owner and show in "my tickets".
            open_owner=t.owner if t.owner and t.is_open else None,
            escalated=1 if t.escalation and t.is_open else None,
            # A private ticket is not in the public index at all.
            public_status=None if t.private else t.status.value,
        )


def page_cursor(t: Ticket) -> str:
    """The public queue's cursor: where the page after this ticket starts."""
    return f"{utc_text(t.created_at)}#{t.number:010d}"


def read_cursor(cursor: str) -> tuple[str, int]:
    filed_at, _, number = cursor.rpartition("#")
    return filed_at, int(number)
