"""Send the mails an event calls for (who hears what: mail_rules.RULES). At most one mail per
event and recipient, however often the queue delivers the event: the ledger is claimed before
sending and released on failure."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from services.domain.events import TICKET_FILED, Event
from services.domain.events.payloads import Filed
from services.domain.flow import FlowConfig
from services.domain.mail import Mail, MailNotSent
from services.domain.ports import Clock, MailBudget, Mailer, MailLedger, TicketRepository

from .acknowledge import acknowledge_filing
from .mail_budget import within_budget
from .mail_rules import RULES
from .notice import Notice
from .requester_mail_limit import automatic, flooded


@dataclass(frozen=True)
class NotifyDeps:
    tickets: TicketRepository
    ledger: MailLedger
    mailer: Mailer
    flow: FlowConfig
    clock: Clock
    base_url: str
    secret_key: str
    # Tickets one requester may file an hour and still hear automatically (0: no limit):
    # requester_mail_limit.py.
    requester_hourly: int = 10
    # Automatic mails one outside address may get an hour (0: no limit): mail_budget.py.
    budget: MailBudget | None = None
    recipient_hourly: int = 10


def handle_event(event: Event, deps: NotifyDeps) -> None:
    if event.kind == TICKET_FILED and event.payload_as(Filed).source != "split":
        # Sub-tickets are the team's own: no acknowledgement.
        acknowledge_filing(event, deps, send_once)
        return
    rule = RULES.get(event.kind)
    if rule is None:  # nobody hears of it: no need to read the ticket
        return
    ticket = deps.tickets.get(event.ticket)
    notice = Notice(event, ticket, deps.flow, deps.base_url, deps.secret_key)
    mails = [*rule(notice), *notice.copies]  # the watchers' copies follow the requester's
    team = {m.email for m in deps.flow.team.members} | {deps.flow.team.mail_list}
    outside = [m for m in mails if not set(m.to) <= team]
    if (
        outside
        and automatic(event)
        and flooded(ticket, deps.tickets, deps.flow, deps.requester_hourly)
    ):
        mails = [m for m in mails if m not in outside]
    for mail in mails:
        send_once(event, mail, deps)


def send_once(event: Event, mail: Mail, deps: NotifyDeps) -> None:
    """At most once per event and recipient: the ledger's claim, one conditional write made
    before sending, is the mail's record. A mail the transport certainly did not send is
    released for the retry; after any other failure (or a crash between the claim and the
    transport's answer) the claim stays, since the mail may have gone out: such a mail is
    lost rather than sent twice. A recipient over the mail budget keeps its claim too, and
    the log names them (mail_budget.py)."""
    for recipient in mail.to:
        if not deps.ledger.claim(event.ticket, event.id, recipient):
            continue
        # Over budget: skipped, and the claim stays, so a redelivery decides the same.
        if not within_budget(event, recipient, deps.flow, deps.budget, deps.recipient_hourly):
            continue
        try:
            deps.mailer.send(dataclasses.replace(mail, to=(recipient,)))
        except MailNotSent:
            deps.ledger.release(event.ticket, event.id, recipient)
            raise
