"""Filing a ticket: validate, number it, store it with its first event. Nothing else: the
acknowledgement mails follow from the event, through the stream, the relay and notify."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.domain.flow import FlowConfig
from services.domain.intake import validate_draft
from services.domain.ports import Clock, TicketRepository
from services.domain.ticket import Ticket
from services.domain.tokens import new_salt, status_token, token_digest


@dataclass(frozen=True)
class Filed:
    ticket: Ticket
    token: str


def file_ticket(
    data: Any,
    *,
    tickets: TicketRepository,
    flow: FlowConfig,
    clock: Clock,
    secret_key: str,
    source: str,
) -> Filed:
    now = clock.now()
    draft = validate_draft(data, flow=flow, today=now.date())
    ticket_type = flow.ticket_type(draft.type)
    assert ticket_type is not None  # validate_draft checked it
    number = tickets.next_number()
    salt = new_salt()
    token = status_token(secret_key, number, salt)
    ticket, event = Ticket.file(
        number=number,
        draft=draft,
        ticket_type=ticket_type,
        now=now,
        token_salt=salt,
        token_digest=token_digest(token),
        source=source,
    )
    tickets.add(ticket, event)
    return Filed(ticket, token)
