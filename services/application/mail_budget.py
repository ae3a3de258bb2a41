"""No address outside the team gets more than `per_hour` automatic mails an hour, whoever
made them come: the requester limit (requester_mail_limit.py) counts the tickets a requester
files, so twenty filings from twenty new requesters with the victim in CC, or twenty mails
from one sender refused on tickets, would still mail one address twenty times. The budget is
taken per recipient, after the mail ledger's claim (a redelivered event takes none) and before
sending; beyond it the mail is skipped and the log names whom. Mail to the team's addresses,
and mail a staff member's own step causes, is never limited."""

from __future__ import annotations

import logging
from datetime import datetime

from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.ports import MailBudget

from .requester_mail_limit import team_addresses

log = logging.getLogger(__name__)


def within_budget(
    event: Event, recipient: str, flow: FlowConfig, budget: MailBudget | None, per_hour: int
) -> bool:
    """May this event's mail go to `recipient`? Takes one of its hour's budget if it counts."""
    address = recipient.lower()
    if (
        budget is None
        or per_hour <= 0
        or event.actor.startswith("staff:")
        or address in team_addresses(flow)
    ):
        return True
    if budget.take(address, _hour(event.at), per_hour):
        return True
    log.warning(
        "ticket #%s: %s not mailed about %s: %d automatic mails this hour already",
        event.ticket,
        address,
        event.kind,
        per_hour,
    )
    return False


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)
