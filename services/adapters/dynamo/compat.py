"""The call forms of the single-module adapter, for callers not yet moved to DynamoTable and
the static models: `TableModels(...)` with its model attributes, and the codecs taking it."""

from __future__ import annotations

from services.domain.events import Event
from services.domain.ticket import Ticket

from .codecs import encode_event, encode_ticket
from .models import (
    CounterItem,
    EventItem,
    InboxItem,
    LinkItem,
    LoginLinkItem,
    LoginRateItem,
    MailLedgerItem,
    StaffTokenItem,
    TicketItem,
    WipItem,
)
from .table import DynamoTable


class TableModels(DynamoTable):
    """A DynamoTable that names the item models as the old run-time classes were named."""

    Ticket = TicketItem
    Event = EventItem
    MailLedger = MailLedgerItem
    Counter = CounterItem
    Wip = WipItem
    StaffToken = StaffTokenItem
    Inbox = InboxItem
    Link = LinkItem
    LoginLink = LoginLinkItem
    LoginRate = LoginRateItem


def ticket_to_item(models: DynamoTable, t: Ticket) -> TicketItem:
    return encode_ticket(t)


def event_to_item(models: DynamoTable, e: Event, seq: int) -> EventItem:
    return encode_event(e, seq)
