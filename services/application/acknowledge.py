"""The acknowledgement of a filing: the requester and the whole team hear of the new ticket,
once each however often the queue delivers the event.

The filing's own event is the acknowledgement's outbox: the filing transaction marks the
ticket acknowledged, and the mail ledger's claims (one per recipient: mailed, or passed over
by the mail budget, which the log names) are the record of the mails, so no second change
follows them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from services.domain.events import Event
from services.domain.mail import Mail
from services.domain.tokens import status_link, status_token, token_matches

from . import messages
from .notice import Notice
from .requester_mail_limit import flooded
from .watcher_mail import copied_at_filing

if TYPE_CHECKING:
    from .notify import NotifyDeps


def acknowledge_filing(
    event: Event, deps: NotifyDeps, send_once: Callable[[Event, Mail, NotifyDeps], None]
) -> None:
    ticket = deps.tickets.get(event.ticket)
    token = status_token(deps.secret_key, ticket.number, ticket.token_salt)
    if not token_matches(token, ticket.token_digest):
        # The secret changed since filing: the link would be dead. Fail loudly, send nothing.
        raise RuntimeError(f"ticket #{ticket.number}: RTFLOW_SECRET_KEY changed since filing")
    team = messages.team_acknowledgement(ticket, deps.flow, deps.base_url)
    if flooded(ticket, deps.tickets, deps.flow, deps.requester_hourly):
        mails = [team]  # requester_mail_limit.py: filed, worked, not mailed about
    else:
        mails = [
            messages.requester_acknowledgement(
                ticket, deps.flow, status_link(deps.base_url, ticket.number, token)
            ),
            team,
            *copied_at_filing(Notice(event, ticket, deps.flow, deps.base_url, deps.secret_key)),
        ]
    for mail in mails:
        send_once(event, mail, deps)
