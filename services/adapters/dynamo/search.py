"""The TicketSearch port on the table's term index (search_index.py): Queries and BatchGets,
never a Scan, their cost bounded by the matches and the page.

A search's terms are its words (`title:<word>` for the public search) and its filters but the
status. Each term's postings are read in number order from the cursor, one page each first;
the rarest term drives (a partition read to its end, else the one whose first page spans the
most numbers), and each of its tickets is kept if every other term has it too (known from the
page read, else one BatchGetItem of the postings per hundred candidates), then read whole
(BatchGetItem) and checked against the filters. The search stops when the page is full. The
statuses asked for, their postings merged, drive instead when they are rarer than every term
(or there is no term); with neither, the ticket numbers from the counter down (or from 1 up). `updated` collects at most SORTABLE + 1
matches, then sorts.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice
from typing import Any

from pynamodb.exceptions import DoesNotExist

from services.domain.search import (
    SORTABLE,
    SearchPage,
    SearchQuery,
    cursor,
    sort_page,
    too_many_to_sort,
)
from services.domain.ticket import Ticket

from .models import CounterItem
from .search_index import DynamoSearchIndex, PostingItem, posting_key
from .table import DynamoTable
from .tickets import DynamoTicketRepository

_CHUNK = 100  # BatchGetItem's limit
_LARGEST_PAGE = 1000


class _Reads:
    """The items one search read: its cost."""

    def __init__(self) -> None:
        self.count = 0


class _Postings:
    """One term's postings in the query's order from its cursor, a Query page at a time (each
    page twice the last, up to a thousand)."""

    def __init__(self, term: str, query: SearchQuery, reads: _Reads):
        self.term = term
        self.pk, start = posting_key(term, query.after_number() or 0)
        self.newest_first = query.newest_first
        self.condition: Any = None
        if query.after:
            self.condition = PostingItem.sk < start if self.newest_first else PostingItem.sk > start
        self.reads, self.page = reads, query.limit + 1
        self.read: list[int] = []
        self.seen: set[int] = set()
        self.next_key: dict[str, Any] | None = None
        self.done = False

    def fill(self) -> None:
        results = PostingItem.query(
            self.pk,
            self.condition,
            scan_index_forward=not self.newest_first,
            limit=self.page,
            page_size=self.page,
            last_evaluated_key=self.next_key,
        )
        numbers = [int(i.sk) for i in results]
        self.reads.count += len(numbers)
        self.read += numbers
        self.seen.update(numbers)
        self.next_key = results.last_evaluated_key
        self.done = not self.next_key or len(numbers) < self.page
        self.page = min(self.page * 2, _LARGEST_PAGE)

    def __iter__(self) -> Iterator[int]:
        i = 0
        while True:
            if i < len(self.read):
                i += 1
                yield self.read[i - 1]
            elif self.done:
                return
            else:
                self.fill()

    def rarity(self) -> tuple[int, float]:
        """Smaller is rarer: a term read to its end by its count, before any other by the
        share of the numbers its first page spans that hold it."""
        return (0, len(self.read)) if self.done else (1, _density(self))

    def knows(self, number: int) -> bool:
        """Whether the postings read so far say if `number` has the term."""
        if self.done:
            return True
        if not self.read:
            return False
        last = self.read[-1]
        return number >= last if self.newest_first else number <= last


class _Either:
    """Tickets with any of several terms (the statuses asked for): their postings merged in
    the query's order."""

    def __init__(self, streams: list[_Postings], query: SearchQuery):
        self.streams, self.newest_first = streams, query.newest_first

    def fill(self) -> None:
        for stream in self.streams:
            stream.fill()

    def rarity(self) -> tuple[int, float]:
        if all(s.done for s in self.streams):
            return 0, sum(len(s.read) for s in self.streams)
        return 1, sum(_density(s) for s in self.streams)

    def __iter__(self) -> Iterator[int]:
        return heapq.merge(*self.streams, reverse=self.newest_first)


def _density(stream: _Postings) -> float:
    span = abs(stream.read[0] - stream.read[-1]) + 1 if stream.read else 1
    return len(stream.read) / span


def _terms(query: SearchQuery) -> list[str]:
    found = [f"title:{w}" if query.public else w for w in query.words]
    for kind, value in (("type", query.type), ("owner", query.owner)):
        if value is not None:
            found.append(f"{kind}:{value}")
    if query.requester is not None:
        found.append(f"requester:{query.requester}")
    return found


class DynamoTicketSearch:
    """TicketSearch and SearchIndex on the table."""

    def __init__(self, table: DynamoTable):
        self.table = table
        self.tickets = DynamoTicketRepository(table)
        self.index = DynamoSearchIndex(self.tickets)

    def reindex(self, numbers: Iterable[int]) -> int:
        return self.index.reindex(numbers)

    def search(self, query: SearchQuery) -> SearchPage:
        reads = _Reads()
        if query.sort == "updated":
            # Every match is read and sorted; the cursor applies to the sorted matches.
            everything = replace(query, sort="newest", after="")
            found = self._collect(everything, reads, SORTABLE + 1)
            if len(found) > SORTABLE:
                raise too_many_to_sort()
            return sort_page(query, found, reads.count)
        found = self._collect(query, reads, query.limit + 1)
        page = found[: query.limit]
        more = len(found) > query.limit
        return SearchPage(page, cursor(query, page[-1]) if more else "", reads.count)

    def _collect(self, query: SearchQuery, reads: _Reads, want: int) -> list[Ticket]:
        streams = [_Postings(term, query, reads) for term in _terms(query)]
        driver = self._driver(query, streams, reads)
        others = [s for s in streams if s is not driver]
        numbers = iter(driver) if driver is not None else _numbers(query, reads)
        out: list[Ticket] = []
        # What is still missing, and twice as many candidates each round the filters thin out.
        size = 0
        while len(out) < want:
            size = min(max(want - len(out), size * 2), _CHUNK)
            chunk = list(islice(numbers, size))
            if not chunk:
                break
            kept = self._having(chunk, others, reads)
            got = self.tickets.get_many(kept) if kept else {}
            reads.count += len(got)
            out += [got[n] for n in kept if n in got and query.matches(got[n])]
        return out[:want]

    def _driver(
        self, query: SearchQuery, streams: list[_Postings], reads: _Reads
    ) -> _Postings | _Either | None:
        """The rarest of the terms, or the statuses asked for (their postings merged), which
        are read only when no term is known to be rare already; None for neither."""
        for stream in streams:
            stream.fill()
        best = min(streams, key=lambda s: s.rarity()) if streams else None
        if not query.statuses_filter or (best is not None and best.done):
            return best
        statuses = sorted(s.value for s in query.statuses_filter)
        either = _Either([_Postings(f"status:{s}", query, reads) for s in statuses], query)
        either.fill()
        return either if best is None or either.rarity() < best.rarity() else best

    def _having(self, chunk: list[int], others: list[_Postings], reads: _Reads) -> list[int]:
        """The candidates every other term has too."""
        kept = chunk
        for other in others:
            unknown = [n for n in kept if not other.knows(n)]
            found = set()
            if unknown:
                keys = [posting_key(other.term, n) for n in unknown]
                found = {int(i.sk) for i in PostingItem.batch_get(keys)}
                reads.count += len(found)
            kept = [n for n in kept if n in found or (other.knows(n) and n in other.seen)]
        return kept


def _numbers(query: SearchQuery, reads: _Reads) -> Iterator[int]:
    """Ticket numbers, newest or oldest first from the cursor: from the counter down."""
    try:
        last = int(CounterItem.get("COUNTER", "TICKET", consistent_read=True).value)
    except DoesNotExist:
        return iter(())
    reads.count += 1
    after = query.after_number()
    if query.newest_first:
        return iter(range(min(last, (after or last + 1) - 1), 0, -1))
    return iter(range((after or 0) + 1, last + 1))
