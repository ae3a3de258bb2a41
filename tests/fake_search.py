"""The search ports in memory, over a FakeTicketRepository: every ticket read on every search
(a fake may), the same answers the homes give from their indexes."""

from __future__ import annotations

from collections.abc import Iterable

from services.domain.search import SORTABLE, SearchPage, SearchQuery, document, sort_page, words
from services.domain.search import too_many_to_sort as _too_many
from services.domain.ticket import Ticket
from tests.fakes import FakeTicketRepository


class FakeTicketSearch:
    def __init__(self, tickets: FakeTicketRepository):
        self.tickets = tickets

    def _words(self, t: Ticket, public: bool) -> set[str]:
        doc = document(t, self.tickets.history(t.number))
        if public:
            return set(words(doc.title))
        return set(words(f"{doc.title}\n{doc.body}\n{doc.requester}\n{doc.talk}"))

    def search(self, query: SearchQuery) -> SearchPage:
        everything = [self.tickets.get(n) for n in sorted(self.tickets.tickets)]
        found = [
            t
            for t in everything
            if query.matches(t) and set(query.words) <= self._words(t, query.public)
        ]
        if query.sort == "updated" and len(found) > SORTABLE:
            raise _too_many()
        return sort_page(query, found, len(everything))

    def reindex(self, numbers: Iterable[int]) -> int:
        """Nothing to keep: every search reads the tickets as they are."""
        return 0
