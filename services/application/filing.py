"""Filing a ticket: validate, number it, store it with its first event. Nothing else: the
acknowledgement mails follow from the event, through the stream, the relay and notify.

The form, the JSON API, webhooks and mail all file through here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.application.deps import TicketDeps
from services.domain.actors import Actor
from services.domain.drafts import validate_draft
from services.domain.errors import ValidationFailed
from services.domain.inbound import Inbound
from services.domain.integrations import HOOK_SOURCES
from services.domain.ticket import Ticket
from services.domain.tokens import new_salt, status_token, token_digest


@dataclass(frozen=True)
class Filed:
    ticket: Ticket
    token: str


def file_ticket(
    data: Any,
    deps: TicketDeps,
    *,
    source: str,
    require_complete: bool = True,
    actor: Actor | None = None,
    details: dict[str, Any] | None = None,
    receipt: Inbound | None = None,
    replacing: int | None = None,
) -> Filed:
    """File `data`. People filing by form or API must complete it; tools and mail may not
    (`require_complete=False`): triage asks the requester for what is missing. A ticket filed
    for an inbound delivery (`receipt`) marks it applied and links its thread, atomically
    (moving the link from ticket `replacing`, when the thread had one). A type `from_tools`
    is filed by tools only."""
    tickets, flow = deps.tickets, deps.flow
    now = deps.clock.now()
    draft = validate_draft(data, flow=flow, today=now.date(), require_complete=require_complete)
    ticket_type = flow.ticket_type(draft.type)
    assert ticket_type is not None  # validate_draft checked it
    if ticket_type.from_tools and source not in HOOK_SOURCES:
        choices = ", ".join(t.name for t in flow.people_types)
        raise ValidationFailed(
            {"type": f"{ticket_type.label} tickets are filed by tools; choose one of: {choices}"}
        )
    number = tickets.next_number()
    salt = new_salt()
    token = status_token(deps.secret_key, number, salt)
    ticket, event = Ticket.file(
        number=number,
        draft=draft,
        ticket_type=ticket_type,
        now=now,
        token_salt=salt,
        token_digest=token_digest(token),
        source=source,
        actor=actor,
        details=details,
    )
    if receipt is None:
        tickets.add(ticket, event)
    else:
        tickets.add(ticket, event, receipt=receipt, thread=receipt.thread, replacing=replacing)
    return Filed(ticket, token)
