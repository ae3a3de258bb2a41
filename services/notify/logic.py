"""Who hears what, for each event. At most one mail per event and recipient, however often
the queue delivers the event: the ledger is claimed before sending and released on failure."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from services.domain.errors import AlreadyDone
from services.domain.events import TICKET_FILED, Event
from services.domain.flow import FlowConfig
from services.domain.mail import Mail, MailNotSent
from services.domain.ports import Clock, Mailer, MailLedger, TicketRepository
from services.domain.tokens import status_link, status_token, token_matches

from . import messages


@dataclass(frozen=True)
class NotifyDeps:
    tickets: TicketRepository
    ledger: MailLedger
    mailer: Mailer
    flow: FlowConfig
    clock: Clock
    base_url: str
    secret_key: str


def handle_event(event: Event, deps: NotifyDeps) -> None:
    if event.kind == TICKET_FILED:
        acknowledge_filing(event, deps)
    # Other kinds carry nothing to send yet.


def acknowledge_filing(event: Event, deps: NotifyDeps) -> None:
    ticket = deps.tickets.get(event.ticket)
    token = status_token(deps.secret_key, ticket.number, ticket.token_salt)
    if not token_matches(token, ticket.token_digest):
        # The secret changed since filing: the link would be dead. Fail loudly, send nothing.
        raise RuntimeError(f"ticket #{ticket.number}: RTFLOW_SECRET_KEY changed since filing")
    team = deps.flow.team
    mails = [
        messages.requester_acknowledgement(
            ticket, team, status_link(deps.base_url, ticket.number, token)
        ),
        messages.team_acknowledgement(ticket, team, deps.base_url),
    ]
    for mail in mails:
        send_once(event, mail, deps)
    try:
        acknowledged = ticket.acknowledge(
            now=deps.clock.now(), recipients=[r for m in mails for r in m.to]
        )
    except AlreadyDone:
        return  # a redelivery: the first delivery recorded it
    deps.tickets.save(ticket, acknowledged)


def send_once(event: Event, mail: Mail, deps: NotifyDeps) -> None:
    """At most once per event and recipient: the ledger is claimed before sending. A mail
    the transport certainly did not send is released for the retry; after any other failure
    the claim stays, since the mail may have gone out."""
    for recipient in mail.to:
        if not deps.ledger.claim(event.ticket, event.id, recipient):
            continue
        try:
            message_id = deps.mailer.send(dataclasses.replace(mail, to=(recipient,)))
        except MailNotSent:
            deps.ledger.release(event.ticket, event.id, recipient)
            raise
        deps.ledger.mark_sent(event.ticket, event.id, recipient, message_id)
