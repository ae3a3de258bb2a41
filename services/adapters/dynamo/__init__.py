"""The single DynamoDB table, through pynamodb.

Items, one partition per ticket:
  pk=TICKET#<n>  sk=META                       the ticket (versioned: optimistic locking)
  pk=TICKET#<n>  sk=EVENT#<seq>                one immutable event (history and outbox); seq is
                                               the ticket version the change created, so events
                                               sort in the order the lock admitted them, whatever
                                               the clocks of the writers said
  pk=TICKET#<n>  sk=MAIL#<event id>#<to>       mail ledger: one mail per event and recipient
  pk=COUNTER     sk=TICKET                     the ticket-number counter
  pk=MEMBER#<id> sk=WIP                        a member's open owned tickets (WIP limits)
  pk=STAFF#<id>  sk=TOKEN#<sha256>             a staff API token, by digest only
  pk=INBOX#<source>#<delivery>  sk=META        a webhook delivery or mail, recorded once (the
                                               stream carries it to the inbound queue), marked
                                               when applied; expires after INBOX_DAYS
  pk=LINK#<thread>  sk=META                    the ticket filed for a tool's issue or alert group
  pk=LOGIN#<sha256>  sk=META                   a requester's one-time sign-in link (TTL)
  pk=LOGINRATE#<sha256 of address>  sk=W#<t>   links asked for in a 15-minute window (TTL)

GSI keys live only on the ticket item. status_key is one partition per open status (a
finished ticket has none): fine for a team's queue (thousands of open tickets); shard it as
status#0..N when one status nears DynamoDB's per-partition limits (1,000 writes/s).
public_key is two partitions, open and finished, so a ticket's entry moves once.

The package, by concern: keys (key formats), models (the item models, their indexes and
`bind`), table (DynamoTable: where the table is), codecs (tickets and events to items and
back), transactions, one module per port's adapter, streams (the stream images the
relay decodes) and index_keys (keys an older release wrote, rewritten by `rtflow reindex`).
"""

from .codecs import decode_event, decode_ticket, encode_event, encode_ticket
from .inbox import INBOX_DAYS, DynamoInbox
from .keys import (
    EVENT_PREFIX,
    INBOX_PREFIX,
    META,
    day_key,
    event_key,
    inbox_pk,
    link_pk,
    ticket_pk,
    utc_iso,
)
from .mail_ledger import DynamoMailLedger
from .models import ItemModel, bind
from .requester_links import DynamoRequesterLinks
from .streams import event_from_stream_image, inbound_from_stream_image
from .table import DynamoTable, is_condition_failure
from .tickets import DynamoTicketRepository
from .tokens import DynamoStaffTokens

__all__ = [
    "EVENT_PREFIX",
    "INBOX_DAYS",
    "INBOX_PREFIX",
    "META",
    "DynamoInbox",
    "DynamoMailLedger",
    "DynamoRequesterLinks",
    "DynamoStaffTokens",
    "DynamoTable",
    "DynamoTicketRepository",
    "ItemModel",
    "bind",
    "day_key",
    "decode_event",
    "decode_ticket",
    "encode_event",
    "encode_ticket",
    "event_from_stream_image",
    "event_key",
    "inbound_from_stream_image",
    "inbox_pk",
    "is_condition_failure",
    "link_pk",
    "ticket_pk",
    "utc_iso",
]
