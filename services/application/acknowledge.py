"""The acknowledgement of a filing: the requester and the whole team hear of the new ticket
(once each, however often the queue delivers the event), and the ticket records who was told."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from services.domain.errors import AlreadyDone
from services.domain.events import Event
from services.domain.mail import Mail
from services.domain.tokens import status_link, status_token, token_matches

from . import messages
from .notice import Notice
from .requester_mail_limit import flooded
from .retry import retry_on_conflict
from .watcher_mail import copied_at_filing

if TYPE_CHECKING:
    from .notify import NotifyDeps


def acknowledge_filing(
    event: Event, deps: NotifyDeps, send_once: Callable[[Event, Mail, NotifyDeps], set[str]]
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
    skipped: set[str] = set()  # by the mail budget (mail_budget.py)
    for mail in mails:
        skipped |= send_once(event, mail, deps)
    # A hook's requester may be the team: each address once.
    recipients = list(dict.fromkeys(r for m in mails for r in m.to if r not in skipped))
    fresh = [ticket]  # the ticket as read; read again only after a conflict

    def record() -> None:
        current = fresh[-1]
        try:
            acknowledged = current.acknowledge(now=deps.clock.now(), recipients=recipients)
        except AlreadyDone:
            return  # a redelivery: the first delivery recorded it
        deps.tickets.save(current, acknowledged)

    # Triage may change the ticket meanwhile (it runs beside us): record on fresh data
    # rather than wait for the queue's retry.
    retry_on_conflict(record, on_conflict=lambda: fresh.append(deps.tickets.get(event.ticket)))
