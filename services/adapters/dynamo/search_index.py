"""The search's term index on the table, and the one code that keeps it.

Items:
  pk=TERM#<term>  sk=<number, ten digits>   a posting: the ticket has the term
  pk=TICKET#<n>   sk=TERMS                  the terms the ticket's postings hold now, and the
                                            ticket version they were taken from

A term is a word of what the staff search reads (domain.search.Document), `title:<word>` for a
word of a non-private ticket's number and title (the public search's: a private ticket has
none), or a filter's value: `status:<s>`, `type:<t>`, `owner:<id>`, `requester:<address>`.
Words are letters and digits only, so no word looks like a filter. A partition holds a term's
tickets in number order: a search reads them newest or oldest first and stops at the page.

Kept from the events, by the relay (services/application/relay.py), not in the change's own
transaction: a filing holds hundreds of words, beyond TransactWriteItems' 100 items, and a
change should not pay for its words twice. The relay hands over the tickets of new events;
`reindex` reads the ticket, its history and its TERMS item (one Query of the partition: TERMS
sorts after META), diffs the terms and writes only the postings that appear or go (a comment:
its new words; a status change: two). It is safe to
repeat and to run beside itself: the TERMS item is written last, on condition that nobody
wrote it since it was read; a loser does it again from the ticket as it is now, redoing every
posting it touched. The search reads each ticket it returns, so a filter is true of it even
while its postings lag behind the change by a relay's round.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from services.domain.errors import StaleVersion
from services.domain.events import Event
from services.domain.search import document, facets, words
from services.domain.ticket import Ticket

from .codecs import decode_event, decode_ticket
from .keys import META, ticket_pk
from .models import EventItem, ItemModel, TicketItem
from .partition import event_seq, partition_items
from .table import is_condition_failure
from .tickets import DynamoTicketRepository

TERM_PREFIX = "TERM#"
TERMS_SK = "TERMS"
# Raised when the terms a ticket gives change meaning: every TERMS item of an older scheme is
# out of date, and `rtflow reindex` writes them again.
SCHEME = 1
# A ticket's words beyond this many (a very long thread) are not indexed: the TERMS item
# stays far below DynamoDB's 400 KB.
MAX_TERMS = 5000
_ATTEMPTS = 5


class PostingItem(ItemModel):
    """pk=TERM#<term>, sk=<number>: keys only."""


class TermsItem(ItemModel):
    terms = cast("ListAttribute[str]", ListAttribute(of=UnicodeAttribute, null=True))
    indexed = NumberAttribute()  # the ticket version the terms were taken from
    scheme = NumberAttribute()


def posting_key(term: str, number: int) -> tuple[str, str]:
    return f"{TERM_PREFIX}{term}", f"{number:010d}"


def terms(t: Ticket, history: Iterable[Event]) -> set[str]:
    doc = document(t, history)
    found = {f"{kind}:{value}" for kind, value in facets(t).items()}
    if not t.private:
        found |= {f"title:{w}" for w in words(doc.title)}
    said = words(f"{doc.title}\n{doc.body}\n{doc.requester}\n{doc.talk}")
    return found | set(said[: MAX_TERMS - len(found)])


class DynamoSearchIndex:
    """SearchIndex on the table: the postings of the given tickets brought up to date."""

    def __init__(self, tickets: DynamoTicketRepository):
        self.tickets = tickets

    def reindex(self, numbers: Iterable[int]) -> int:
        return sum(self._index(n) for n in dict.fromkeys(numbers))

    def _index(self, number: int) -> bool:
        touched: set[str] = set()
        for _ in range(_ATTEMPTS):
            ticket, history, record = _read(number)
            if ticket is None:
                return False
            if record is not None and _current(record, ticket) and not touched:
                return False
            desired = terms(ticket, history)
            held = set(record.terms or []) if record is not None else set()
            add = (desired - held) | (touched & desired)
            drop = (held - desired) | (touched - desired)
            _write(number, add, drop)
            touched |= add | drop
            if _claim(number, desired, ticket, record):
                return True
        raise StaleVersion(f"the search terms of ticket #{number} keep changing; retry")


def _read(number: int) -> tuple[Ticket | None, list[Event], TermsItem | None]:
    """The ticket, its history up to its version and its TERMS item: one Query of its
    partition, newest first (partition.py)."""
    ticket, newest_first, record = None, [], None
    for raw in partition_items(number, also=TERMS_SK):
        sk = raw["sk"]["S"]
        if sk == TERMS_SK:
            record = TermsItem.from_raw_data(raw)
        elif sk == META:
            ticket = decode_ticket(TicketItem.from_raw_data(raw))
        elif ticket is not None and event_seq(raw) <= (ticket.version or 0):
            newest_first.append(decode_event(EventItem.from_raw_data(raw)))
    return ticket, newest_first[::-1], record


def _current(record: TermsItem, ticket: Ticket) -> bool:
    return int(record.scheme) == SCHEME and int(record.indexed) == (ticket.version or 0)


def _write(number: int, add: set[str], drop: set[str]) -> None:
    with PostingItem.batch_write() as batch:
        for term in sorted(add):
            batch.save(PostingItem(*posting_key(term, number)))
        for term in sorted(drop):
            batch.delete(PostingItem(*posting_key(term, number)))


def _claim(number: int, desired: set[str], ticket: Ticket, record: TermsItem | None) -> bool:
    """Write the TERMS item, unless someone wrote it since `record` was read."""
    item = TermsItem(
        ticket_pk(number),
        TERMS_SK,
        terms=sorted(desired),
        indexed=ticket.version or 0,
        scheme=SCHEME,
    )
    unchanged = (
        TermsItem.pk.does_not_exist()
        if record is None
        else (TermsItem.indexed == record.indexed) & (TermsItem.scheme == record.scheme)
    )
    try:
        item.save(condition=unchanged)
    except PutError as e:
        if is_condition_failure(e):
            return False
        raise
    return True
