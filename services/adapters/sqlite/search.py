"""The TicketSearch and SearchIndex ports on the database: one FTS5 query per page.

Words and filters are one FTS5 expression (search_index.py says what the entry holds), read in
rowid order, newest or oldest first, joined to the ticket by its primary key, and stopped when
the page is full: a page costs its own rows however many tickets match. With no words and no
filter, the tickets' primary key is read in order instead. `updated` reads the matching
numbers (at most SORTABLE + 1) and sorts their tickets.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.domain.errors import TicketNotFound
from services.domain.search import (
    SORTABLE,
    SearchPage,
    SearchQuery,
    cursor,
    sort_page,
    too_many_to_sort,
)
from services.domain.ticket import Ticket

from .codecs import decode_ticket
from .database import SqliteDatabase
from .search_index import PUBLIC, WORD_COLUMNS, rebuild, token
from .tickets import SqliteTicketRepository

_MATCHING = """SELECT t.number, t.version, t.body FROM ticket_search
    JOIN tickets t ON t.number = ticket_search.rowid
    WHERE ticket_search MATCH ?1 AND ticket_search.rowid {op} ?2
    ORDER BY ticket_search.rowid {order} LIMIT ?3"""
NEWEST = _MATCHING.format(op="<", order="DESC")
OLDEST = _MATCHING.format(op=">", order="ASC")
# tickets' primary key, when nothing narrows the search
EVERY_NEWEST = (
    "SELECT number, version, body FROM tickets WHERE number < ?1 ORDER BY number DESC LIMIT ?2"
)
EVERY_OLDEST = (
    "SELECT number, version, body FROM tickets WHERE number > ?1 ORDER BY number LIMIT ?2"
)
# the matching numbers only, for `updated`
MATCHING_NUMBERS = "SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?1 LIMIT ?2"
EVERY_NUMBER = "SELECT number FROM tickets WHERE number > 0 ORDER BY number DESC LIMIT ?1"
_NO_NUMBER = 2**62


def expression(query: SearchQuery) -> str:
    """The FTS5 expression of the words and filters ("" when nothing narrows). Every word is
    a quoted string of letters and digits (domain.search.words), so none is syntax."""
    columns = "title" if query.public else WORD_COLUMNS
    parts = [f'{columns} : "{w}"' for w in query.words]
    if query.statuses_filter:
        either = " OR ".join(f'"{token("status", s.value)}"' for s in sorted(query.statuses_filter))
        parts.append(f"facets : ({either})")
    for kind, value in (
        ("type", query.type),
        ("owner", query.owner),
        ("requester", query.requester),
    ):
        if value is not None:
            parts.append(f'facets : "{token(kind, value)}"')
    if query.public:
        parts.append(f'facets : "{PUBLIC}"')
    return " AND ".join(parts)


class SqliteTicketSearch:
    """TicketSearch and SearchIndex on the database's full-text index."""

    def __init__(self, db: SqliteDatabase):
        self.db = db

    def search(self, query: SearchQuery) -> SearchPage:
        match = expression(query)
        if query.sort == "updated":
            return self._by_update(query, match)
        after = query.after_number()
        if after is None:
            after = _NO_NUMBER if query.newest_first else 0
        if match:
            sql = NEWEST if query.newest_first else OLDEST
            rows = self.db.rows(sql, (match, after, query.limit + 1))
        else:
            sql = EVERY_NEWEST if query.newest_first else EVERY_OLDEST
            rows = self.db.rows(sql, (after, query.limit + 1))
        found = [decode_ticket(r["body"], r["version"]) for r in rows]
        # Belt and braces: the index's filters, checked on the tickets as they are.
        shown = [t for t in found[: query.limit] if query.matches(t)]
        more = len(found) > query.limit
        return SearchPage(shown, cursor(query, found[query.limit - 1]) if more else "", len(rows))

    def _by_update(self, query: SearchQuery, match: str) -> SearchPage:
        if match:
            rows = self.db.rows(MATCHING_NUMBERS, (match, SORTABLE + 1))
        else:
            rows = self.db.rows(EVERY_NUMBER, (SORTABLE + 1,))
        if len(rows) > SORTABLE:
            raise too_many_to_sort()
        numbers = [int(r[0]) for r in rows]
        tickets: list[Ticket] = list(SqliteTicketRepository(self.db).get_many(numbers).values())
        matches = [t for t in tickets if query.matches(t)]
        return sort_page(query, matches, len(rows) + len(tickets))

    def reindex(self, numbers: Iterable[int]) -> int:
        """Each ticket's entry rebuilt from the ticket and its history, in one transaction
        per ticket; how many changed."""
        changed = 0
        repo = SqliteTicketRepository(self.db)
        for number in numbers:
            with self.db.transaction() as conn:
                try:
                    ticket = repo.get(number)
                except TicketNotFound:
                    continue
                changed += rebuild(conn, ticket)
        return changed
