"""Anyone may file a ticket naming any address as its requester, so filing could mail-bomb an
address: twenty filings, twenty acknowledgements (and twenty triage questions). A ticket
whose requester had `per_hour` or more other tickets filed in the hour before it is a flood:
its automatic mail to the requester (the acknowledgement, the system's questions and
reminders) is skipped. The ticket is filed and worked as any other; staff writing by hand are
still heard, and the requester finds every ticket on /me. The team's own addresses (members,
the mail list, the hooks' requesters) are never limited: tools file as often as they like.

One range of the requester's index (keys only, at most per_hour + 1 entries) per ticket that
would mail its requester automatically; measured from the ticket's own filing time, so
a redelivered event decides as the first delivery did."""

from __future__ import annotations

from datetime import timedelta

from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.ports import TicketRepository
from services.domain.ticket import Ticket

WINDOW = timedelta(hours=1)


def team_addresses(flow: FlowConfig) -> set[str]:
    hooks = {h.requester.email for h in flow.hooks.values() if h.requester is not None}
    members = {m.email for m in flow.team.members}
    return {str(a).lower() for a in {*hooks, *members, flow.team.mail_list}}


def flooded(ticket: Ticket, tickets: TicketRepository, flow: FlowConfig, per_hour: int) -> bool:
    """Its requester had `per_hour` or more other tickets filed in the hour before it (0: no
    limit)."""
    address = ticket.requester.email.lower()
    if per_hour <= 0 or address in team_addresses(flow):
        return False
    since, until = ticket.created_at - WINDOW, ticket.created_at
    # The ticket itself is in the range: per_hour others make per_hour + 1.
    return tickets.filed_for(address, since, until, limit=per_hour + 1) > per_hour


def automatic(event: Event) -> bool:
    """Nobody asked for this mail by hand: the system's steps (triage's questions, nudges)."""
    return event.actor.startswith("system:")
