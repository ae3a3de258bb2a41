"""Finding tickets: what a search asks (SearchQuery), what it answers (SearchPage), the ports
that answer it, and what of a ticket a search reads, the same words on every home.

A search is words and filters. Every word must match (AND), anywhere in what the search
reads of a ticket: its number, title, requirements, end state, acceptance criteria, needs and
dependencies, the requester's name and address, and what people wrote on its events (comments,
replies, updates, the reasons given), internal notes included. The public search reads the
number and the title only (what the public queue shows of a ticket) and never a private
ticket. Words are compared folded: case and accents do not matter ("Café" finds "cafe").

Tickets come newest or oldest first by number (the order they were filed in), a page at a
time, with an opaque cursor: every home reads them in that order from its index and stops when
the page is full. Sorting by the last update reads every match first, so it is refused when
more than SORTABLE tickets match.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .errors import ValidationFailed
from .events import Event
from .lifecycle import Status
from .ticket import Ticket

SORTS = ("newest", "oldest", "updated")
MAX_WORDS = 8
# Longer "words" (hashes, encoded blobs) are not indexed, so a query drops them too.
MAX_WORD = 64
# Sorting by the last update reads every match: at most this many.
SORTABLE = 1000
# What a search reads of the events: the words somebody wrote on them.
_WRITTEN = ("message", "reason", "summary")

_WORD = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The distinct searchable words of `text`, folded, in the order they first appear."""
    found = (w for w in _WORD.findall(_fold(text)) if len(w) <= MAX_WORD)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Document:
    """What a search reads of one ticket, by part."""

    title: str  # the number and the title: all the public search reads
    body: str  # requirements, end state, acceptance criteria, needs, dependencies
    requester: str  # name and address
    talk: str  # what people wrote on its events, public and internal


def title_text(t: Ticket) -> str:
    return f"{t.number} {t.title}"


def body_text(t: Ticket) -> str:
    parts = [t.requirements, t.end_state, *t.acceptance_criteria]
    parts += [t.capacity_needs, t.security_needs, *t.dependencies]
    return "\n".join(p for p in parts if p)


def requester_text(t: Ticket) -> str:
    return f"{t.requester.name} {t.requester.email}"


def event_text(e: Event) -> str:
    """The words somebody wrote on an event (a comment, a reply, an update's message, the
    reason for a rejection or a postponement, a resolution's summary); "" for the rest."""
    said = (e.data.get(key) for key in _WRITTEN)
    return "\n".join(s for s in said if isinstance(s, str) and s.strip())


def document(t: Ticket, history: Iterable[Event]) -> Document:
    talk = "\n".join(text for text in map(event_text, history) if text)
    return Document(title_text(t), body_text(t), requester_text(t), talk)


def facets(t: Ticket) -> dict[str, str]:
    """The filters' values of a ticket: status, type, owner (if any), requester."""
    found = {"status": t.status.value, "type": t.type, "requester": t.requester.email.lower()}
    if t.owner:
        found["owner"] = t.owner
    return found


# -- the query ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    """Which tickets: `words` (every one must match), then the filters."""

    words: tuple[str, ...] = ()
    statuses: frozenset[Status] = frozenset()  # empty: every status
    type: str | None = None
    owner: str | None = None
    requester: str | None = None  # an address, lower case
    sort: str = "newest"  # newest | oldest | updated
    after: str = ""  # the cursor of the page before
    limit: int = 50
    public: bool = False  # the public search: titles of non-private tickets only

    @classmethod
    def of(cls, text: str, **filters: object) -> SearchQuery:
        """The query for what a person typed; ValidationFailed (`q`) for too many words."""
        found = words(text)
        if len(found) > MAX_WORDS:
            raise ValidationFailed({"q": f"at most {MAX_WORDS} words"})
        return cls(words=tuple(found), **filters)  # type: ignore[arg-type]

    @property
    def statuses_filter(self) -> frozenset[Status]:
        """The statuses that narrow the search; empty when every status is asked for."""
        return frozenset() if self.statuses >= frozenset(Status) else self.statuses

    def matches(self, t: Ticket) -> bool:
        """The filters, on a ticket read whole (the words are the index's business)."""
        return (
            (not self.public or not t.private)
            and (not self.statuses_filter or t.status in self.statuses_filter)
            and (self.type is None or t.type == self.type)
            and (self.owner is None or t.owner == self.owner)
            and (self.requester is None or t.requester.email.lower() == self.requester)
        )

    def updated(self, t: Ticket) -> datetime:
        """The time `updated` sorts by: for the public, the last step the public may see."""
        return (t.last_update_at or t.created_at) if self.public else t.updated_at

    @property
    def newest_first(self) -> bool:
        return self.sort != "oldest"

    def after_number(self) -> int | None:
        """Newest or oldest first: the number the page starts after, if any."""
        return None if not self.after else read_cursor(self.sort, self.after)[1]


@dataclass(frozen=True)
class SearchPage:
    tickets: list[Ticket]
    next: str  # the cursor of the next page; "" at the end
    read: int  # index entries and tickets the home read for it: the cost of the page


# -- cursors: opaque to the reader, checked when they come back ---------------------------------


def cursor(query: SearchQuery, t: Ticket) -> str:
    """Where the page after `t` starts, in the query's order."""
    at = query.updated(t).isoformat() if query.sort == "updated" else ""
    raw = f"{query.sort}|{at}|{t.number}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_cursor(sort: str, text: str) -> tuple[datetime | None, int]:
    """(updated time or None, number) of a cursor made for `sort`; ValidationFailed else."""
    wrong = ValidationFailed({"cursor": "not a cursor of this search: start from the first page"})
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        made_for, at, number = raw.split("|")
        moment = datetime.fromisoformat(at) if at else None
        position = int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise wrong from None
    if made_for != sort or (moment is None) != (sort != "updated") or position < 0:
        raise wrong
    return moment, position


def too_many_to_sort() -> ValidationFailed:
    return ValidationFailed(
        {"sort": f"more than {SORTABLE:,} tickets match: add words or filters to sort by update"}
    )


def sort_page(query: SearchQuery, matches: Sequence[Ticket], read: int) -> SearchPage:
    """A page of every match (read whole beforehand) in the query's order, after its cursor."""
    if query.sort == "updated":
        ordered = sorted(matches, key=lambda t: (query.updated(t), t.number), reverse=True)
        if query.after:
            at, number = read_cursor("updated", query.after)
            ordered = [t for t in ordered if (query.updated(t), t.number) < (at, number)]
    else:
        ordered = sorted(matches, key=lambda t: t.number, reverse=query.newest_first)
        after = query.after_number()
        if after is not None:
            ordered = [t for t in ordered if (t.number < after) == query.newest_first]
            ordered = [t for t in ordered if t.number != after]
    page = ordered[: query.limit]
    more = len(ordered) > query.limit
    return SearchPage(page, cursor(query, page[-1]) if more else "", read)


# -- the ports ----------------------------------------------------------------------------------


class TicketSearch(Protocol):
    def search(self, query: SearchQuery) -> SearchPage:
        """A page of the tickets that match, in the query's order: cost bounded by the matches
        and the page, never by the store. ValidationFailed for a cursor this search did not
        make, or `updated` with more than SORTABLE matches."""


class SearchIndex(Protocol):
    def reindex(self, numbers: Iterable[int]) -> int:
        """Bring the search entries of these tickets up to date with the tickets and their
        histories (the index of tickets stored before there was one, or a repair); how many
        tickets' entries changed. Safe to repeat."""
