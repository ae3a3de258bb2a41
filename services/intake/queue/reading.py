"""Reading the public queue from the sparse `by-public` index: open tickets whole (up to
READ_CAP in all), finished ones a page at a time by the index cursor, one ticket by number, and
the recently updated tickets the feed lists; a search (`q`) from the public search, a page at
a time by its cursor."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from services.domain.errors import TicketNotFound, ValidationFailed
from services.domain.lifecycle import Status
from services.domain.ports import TicketRepository
from services.domain.search import TicketSearch
from services.domain.ticket import FINISHED, Ticket

from .. import decoy
from .query import ALL_STATUSES, OPEN_STATUSES, InvalidQuery, QueueQuery

# Open public tickets read at most, every status together (an ops team has a few thousand
# open at most).
READ_CAP = 5000
# A page of finished tickets returns at most FINISHED_BUDGET tickets read, in at most
# FINISHED_TRIPS reads of the repository. On DynamoDB one read may pass over up to 200 index
# entries of other finished statuses (tickets.PAGE_READS), so a page reads at most 1,000
# entries and their tickets, as when each status had a partition of its own.
FINISHED_BUDGET = 1000
FINISHED_TRIPS = 5
FEED_ENTRIES = 50
# The feed finds recently finished tickets through the events of today and yesterday (UTC).
FEED_DAYS = 2
FEED_CANDIDATES = 500


def updated(t: Ticket) -> datetime:
    return t.last_update_at or t.created_at


_ORDER = {s: i for i, s in enumerate(Status)}
SORT_KEYS: dict[str, tuple[Callable[[Ticket], tuple[Any, ...]], bool]] = {  # key, reverse
    "oldest": (lambda t: (t.created_at, t.number), False),
    "newest": (lambda t: (t.created_at, t.number), True),
    "updated": (lambda t: (updated(t), t.number), True),
    "status": (lambda t: (_ORDER[t.status], t.created_at, t.number), False),
}


def sort_tickets(tickets: Iterable[Ticket], order: str) -> list[Ticket]:
    key, reverse = SORT_KEYS[order]
    return sorted(tickets, key=key, reverse=reverse)


@dataclass
class QueueResult:
    tickets: list[Ticket]
    total: int | None = None  # None: a finished status, paged by cursor
    pages: int | None = None
    next_after: str = ""  # the cursor of the next page of a finished status
    truncated: list[Status] = field(default_factory=list)


def read_open(
    repo: TicketRepository, statuses: Iterable[Status], *, newest_first: bool = False
) -> tuple[list[Ticket], list[Status]]:
    """The public tickets of these open statuses, from one read of every open one (at most
    READ_CAP, the oldest or the newest), so each ticket comes once, in one status. When the
    read was cut, every status asked for may miss some (which ones is not known): they are
    all named as cut."""
    found, more = repo.public_open(limit=READ_CAP, newest_first=newest_first)
    wanted = list(statuses)
    return [t for t in found if t.status in wanted], (wanted if more else [])


def _one(repo: TicketRepository, q: QueueQuery) -> QueueResult:
    try:
        ticket = repo.get(q.ticket or 0)
        decoy.remember(ticket)
    except TicketNotFound:
        ticket = None
        decoy.as_if_found()  # a private ticket and none take the same time (decoy.py)
    shown = [ticket] if ticket is not None and q.matches(ticket) else []
    return QueueResult(shown, total=len(shown), pages=1)


def _open(repo: TicketRepository, q: QueueQuery) -> QueueResult:
    statuses = [s for s in OPEN_STATUSES if s in q.statuses]
    # When the cap bites, the newest-first view should lose the oldest, not the newest.
    found, truncated = read_open(repo, statuses, newest_first=q.order == "newest")
    matching = sort_tickets((t for t in found if q.matches(t)), q.order)
    start = (q.page - 1) * q.per_page
    return QueueResult(
        matching[start : start + q.per_page],
        total=len(matching),
        pages=max(1, math.ceil(len(matching) / q.per_page)),
        truncated=truncated,
    )


def _finished(repo: TicketRepository, q: QueueQuery) -> QueueResult:
    """A page of a finished status, straight from the index cursor. Each read asks for just
    the tickets still missing, so the cursor it returns is exactly where the next page starts:
    no ticket is shown twice or skipped, however the filters thin the index out. A read may
    return fewer than it was asked, with a cursor (the index's finished partition holds every
    finished status: the repository passes over the others, a bounded number per read)."""
    assert q.status is not None
    shown: list[Ticket] = []
    after, read, trips = q.after, 0, 0
    while len(shown) < q.per_page and read < FINISHED_BUDGET and trips < FINISHED_TRIPS:
        batch, after = repo.public(
            q.status,
            limit=q.per_page - len(shown),
            newest_first=q.order == "newest",
            after=after,
        )
        trips += 1
        read += len(batch)
        shown += [t for t in batch if q.matches(t)]
        if not after:
            break
    return QueueResult(shown, next_after=after)


def _searched(search: TicketSearch, q: QueueQuery) -> QueueResult:
    """A page of the public search: the number and title of non-private tickets only, and no
    total, so not even a count can say anything of a private ticket."""
    try:
        page = search.search(q.search())
    except ValidationFailed as e:  # a cursor of another view, too many to sort by update
        errors = {("after" if k == "cursor" else k): v for k, v in e.errors.items()}
        raise InvalidQuery(errors) from None
    return QueueResult([t for t in page.tickets if q.matches(t)], next_after=page.next)


def read_queue(
    repo: TicketRepository, q: QueueQuery, search: TicketSearch | None = None
) -> QueueResult:
    """The view's tickets; `search` answers a view with words (q)."""
    if q.ticket is not None:
        return _one(repo, q)
    if q.searching and search is not None:
        return _searched(search, q)
    if q.finished:
        return _finished(repo, q)
    return _open(repo, q)


def feed_tickets(
    repo: TicketRepository, q: QueueQuery, now: datetime, limit: int = FEED_ENTRIES
) -> list[Ticket]:
    """The most recently updated public tickets (by `last_update_at`), newest first.

    Open tickets come from the open partitions (as the page reads them). A finished ticket
    may have been filed years ago, so it sits deep in its partition; the ones finished or
    updated lately are found through the events of the last FEED_DAYS UTC days (the by-day
    index) and read with one batch get. Older finished tickets drop out of the feed, as feed
    readers expect."""
    statuses = q.statuses if q.status is not None else ALL_STATUSES
    found, _ = read_open(repo, [s for s in OPEN_STATUSES if s in statuses])
    if statuses & FINISHED:
        found += _recently_finished(repo, now, seen={t.number for t in found})
    recent = sort_tickets((t for t in found if q.matches(t, statuses)), "updated")
    return recent[:limit]


def _recently_finished(repo: TicketRepository, now: datetime, seen: set[int]) -> list[Ticket]:
    """Finished tickets with a public event in the last FEED_DAYS UTC days."""
    candidates: dict[int, None] = {}
    for days in range(FEED_DAYS):
        for e in reversed(repo.events_on((now - timedelta(days=days)).astimezone(UTC).date())):
            if e.public and e.ticket not in seen:
                candidates.setdefault(e.ticket)
    numbers = list(candidates)[:FEED_CANDIDATES]
    got = repo.get_many(numbers) if numbers else {}
    return [t for t in got.values() if t.status in FINISHED]
