"""A view as CSV: up to its page size (CSV_ROWS_MAX by default) of tickets, read a batch at a
time, each batch after the last one's cursor, so no read holds more than CSV_BATCH tickets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from services.domain.search import SearchQuery, TicketSearch
from services.domain.ticket import Ticket

from .export import csv_text
from .query import FindQuery

# Tickets per read while a CSV is written.
CSV_BATCH = 1000


def _pages(
    search: TicketSearch, query: SearchQuery, rows: int, last: list[str]
) -> Iterator[list[Ticket]]:
    """Pages of at most CSV_BATCH until `rows` tickets; the cursor after them in `last`."""
    left = rows
    while left > 0:
        page = search.search(replace(query, limit=min(left, CSV_BATCH)))
        left -= len(page.tickets)
        last[0] = page.next
        yield page.tickets
        if not page.next:
            return
        query = replace(query, after=page.next)


def as_csv(search: TicketSearch, f: FindQuery) -> tuple[str, str]:
    """The CSV of the view and the cursor of what follows it ("" when nothing does)."""
    query = f.search()
    if query.sort == "updated":  # read and sorted whole: one read of the page asked for
        page = search.search(query)
        return csv_text([page.tickets]), page.next
    last = [""]
    body = csv_text(_pages(search, query, f.per_page, last))
    return body, last[0]
