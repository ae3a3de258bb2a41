"""The search ports, the same cases on the fake, on DynamoDB (the term index the relay keeps)
and on SQLite (the full-text index each change's transaction keeps): which tickets a search
finds, in which order, a page at a time, and what the public may never find.

On DynamoDB the index follows the events (the relay calls reindex), so the cases let it catch
up (`indexed`) before they search; on SQLite and in memory the change itself is enough."""

from __future__ import annotations

import base64
import hashlib
import sys
from collections.abc import Callable
from dataclasses import replace

import pytest

from services.adapters.dynamo.search import DynamoTicketSearch
from services.adapters.sqlite.search import SqliteTicketSearch
from services.domain.errors import ValidationFailed
from services.domain.events import Event
from services.domain.lifecycle import FINISHED, Status
from services.domain.search import SearchQuery
from services.domain.ticket import Change, Ticket
from tests.fake_search import FakeTicketSearch

from . import builders
from .builders import T0, minutes


def stored(
    tickets,
    *,
    title: str = "Grant the analytics team a read replica",
    requirements: str = "A read replica of the wiki database.",
    type: str = "general",
    **fields,
) -> Ticket:
    """A ticket filed with these words (the builders' ticket, its words changed)."""
    t = replace(
        builders.ticket(tickets, **fields), title=title, requirements=requirements, type=type
    )
    tickets.add(t, builders.event(t, "ticket.filed"))
    return t


@pytest.fixture
def search(request, backend, tickets):
    if backend == "memory":
        return FakeTicketSearch(tickets)
    if backend == "dynamodb":
        return DynamoTicketSearch(request.getfixturevalue("table"))
    return SqliteTicketSearch(request.getfixturevalue("database"))


@pytest.fixture
def indexed(backend, search) -> Callable[..., None]:
    """Let the index catch up with these tickets' changes (what the relay does on DynamoDB)."""

    def catch_up(*ts: Ticket) -> None:
        if backend == "dynamodb":
            search.reindex(t.number for t in ts)

    return catch_up


def word(tag: str, n: int = 0) -> str:
    """A word no other case uses."""
    return "w" + hashlib.sha256(f"{tag}/{n}".encode()).hexdigest()[:12]


def numbers(page) -> list[int]:
    return [t.number for t in page.tickets]


def find(search, text: str, **filters) -> list[int]:
    return numbers(search.search(SearchQuery.of(text, **filters)))


def comment(tickets, t: Ticket, message: str, *, public: bool) -> None:
    t.updated_at += minutes(1)
    e = Event(
        t.number, "ticket.commented", t.updated_at, "staff:mira", public, {"message": message}
    )
    tickets.save(t, Change(e))


# -- words ---------------------------------------------------------------------------------------


def test_every_word_must_match_wherever_it_is(tickets, search, indexed, tag):
    a, b, c, d = word(tag, 1), word(tag, 2), word(tag, 3), word(tag, 4)
    both = stored(tickets, title=f"Replica for {a}", requirements=f"Needs {b} access.")
    one = stored(tickets, title=f"Replica for {a}")
    by_mail = stored(tickets, title=a, email=f"{c}@example.org")
    talked = stored(tickets, title=a)
    comment(tickets, talked, f"Asked {d} about it", public=True)
    indexed(both, one, by_mail, talked)
    assert find(search, a) == [talked.number, by_mail.number, one.number, both.number]
    assert find(search, f"{a} {b}") == [both.number]
    assert find(search, f"{b} {a} nothing{tag[:3]}zz") == []
    assert find(search, f"{a} {c}@example.org") == [by_mail.number]
    assert find(search, f"{d} {a}") == [talked.number]
    assert find(search, f"#{both.number} {b}") == [both.number]


def test_case_and_accents_do_not_matter(tickets, search, indexed, tag):
    w = word(tag)
    t = stored(tickets, title=f"Café {w.upper()} Ünïcode")
    indexed(t)
    assert find(search, f"cafe {w} UNICODE") == [t.number]


def test_internal_notes_are_found_by_staff_and_never_by_the_public(tickets, search, indexed, tag):
    said, noted, title = word(tag, 1), word(tag, 2), word(tag, 3)
    t = stored(tickets, title=f"Disk {title}", requirements=f"Spare {said}")
    comment(tickets, t, f"Vendor quote {noted}", public=False)
    indexed(t)
    assert find(search, noted) == [t.number]
    assert find(search, noted, public=True) == []
    # The public search reads the number and the title only, what the public queue shows.
    assert find(search, said, public=True) == []
    assert find(search, title, public=True) == [t.number]
    assert find(search, f"{t.number} {title}", public=True) == [t.number]


def test_a_private_ticket_never_matches_a_public_search(tickets, search, indexed, tag):
    w = word(tag)
    private = stored(tickets, title=f"Payroll {w}", private=True)
    public = stored(tickets, title=f"Payroll {w}")
    indexed(private, public)
    assert find(search, w) == [public.number, private.number]
    page = search.search(SearchQuery.of(w, public=True, limit=1))
    assert numbers(page) == [public.number] and page.next == ""

    public.private, public.updated_at = True, public.updated_at + minutes(1)
    tickets.save(
        public, Change(Event(public.number, "ticket.edited", public.updated_at, "x", False))
    )
    # Off the public search at once, even before the index catches up.
    assert find(search, w, public=True) == []
    indexed(public)
    assert find(search, w, public=True) == []


def test_a_change_is_searched_as_it_is_now(tickets, search, indexed, tag):
    old, new = word(tag, 1), word(tag, 2)
    t = stored(tickets, title=f"Rename {old}")
    indexed(t)
    t.title, t.updated_at = f"Rename {new}", t.updated_at + minutes(1)
    tickets.save(t, Change(Event(t.number, "ticket.edited", t.updated_at, "x", False)))
    indexed(t)
    assert find(search, old) == []
    assert find(search, new) == [t.number]


# -- filters -------------------------------------------------------------------------------------


def test_filters_narrow_the_words(tickets, search, indexed, tag):
    w = word(tag)
    new = stored(tickets, title=w, type="access")
    triaged = stored(tickets, title=w, status=Status.TRIAGED, owner=f"o-{tag}")
    closed = stored(tickets, title=w, status=Status.CLOSED, owner=f"o-{tag}")
    mine = stored(tickets, title=w, email=f"r-{tag}@example.org", status=Status.REJECTED)
    indexed(new, triaged, closed, mine)
    assert find(search, w, statuses=frozenset({Status.TRIAGED})) == [triaged.number]
    open_ = frozenset(s for s in Status if s not in FINISHED)
    assert find(search, w, statuses=open_) == [triaged.number, new.number]
    assert find(search, w, statuses=FINISHED) == [mine.number, closed.number]
    assert find(search, w, statuses=frozenset(Status)) == [
        mine.number,
        closed.number,
        triaged.number,
        new.number,
    ]
    assert find(search, w, type="access") == [new.number]
    assert find(search, w, owner=f"o-{tag}") == [closed.number, triaged.number]
    assert find(search, w, owner=f"o-{tag}", statuses=open_) == [triaged.number]
    assert find(search, w, requester=f"r-{tag}@example.org") == [mine.number]
    assert find(search, "", requester=f"r-{tag}@example.org") == [mine.number]
    assert find(search, "", owner=f"o-{tag}", statuses=FINISHED) == [closed.number]


def test_a_filter_follows_the_ticket(tickets, search, indexed, tag):
    w = word(tag)
    t = stored(tickets, title=w)
    indexed(t)
    t.status, t.owner, t.updated_at = Status.ASSIGNED, f"o-{tag}", t.updated_at + minutes(1)
    tickets.save(t, Change(Event(t.number, "ticket.assigned", t.updated_at, "x", True)))
    indexed(t)
    assert find(search, w, statuses=frozenset({Status.NEW})) == []
    assert find(search, w, statuses=frozenset({Status.ASSIGNED})) == [t.number]
    assert find(search, "", owner=f"o-{tag}") == [t.number]


@pytest.mark.fresh_table
def test_with_nothing_to_narrow_every_ticket_comes_by_number(tickets, search, indexed):
    made = [stored(tickets, status=s) for s in (Status.NEW, Status.CLOSED, Status.TRIAGED)]
    indexed(*made)
    every = [t.number for t in made]
    assert find(search, "") == every[::-1]
    assert find(search, "", sort="oldest") == every
    assert find(search, "", statuses=frozenset({Status.NEW, Status.TRIAGED})) == [
        every[2],
        every[0],
    ]
    assert find(search, "", statuses=FINISHED, sort="oldest") == [every[1]]


# -- order and pages -----------------------------------------------------------------------------


def pages(search, query: SearchQuery) -> list[list[int]]:
    found = []
    while True:
        page = search.search(query)
        found.append(numbers(page))
        if not page.next:
            return found
        query = replace(query, after=page.next)


def test_pages_follow_the_cursor_without_gaps_or_repeats(tickets, search, indexed, tag):
    w = word(tag)
    made = [stored(tickets, title=w) for _ in range(5)]
    indexed(*made)
    every = [t.number for t in made]
    newest = pages(search, SearchQuery.of(w, limit=2))
    assert newest == [every[4:2:-1], every[2:0:-1], every[:1]]
    assert pages(search, SearchQuery.of(w, limit=2, sort="oldest")) == [
        every[:2],
        every[2:4],
        every[4:],
    ]
    assert pages(search, SearchQuery.of(w, limit=5)) == [every[::-1]]


def test_updated_sorts_by_the_last_change(tickets, search, indexed, tag):
    w = word(tag)
    a, b, c = (stored(tickets, title=w, at=T0 + minutes(i)) for i in range(3))
    a.updated_at = T0 + minutes(9)
    comment(tickets, a, "bump", public=False)  # a changed last
    indexed(a, b, c)
    query = SearchQuery.of(w, sort="updated", limit=2)
    assert pages(search, query) == [[a.number, c.number], [b.number]]


def test_updated_refuses_more_matches_than_it_may_sort(tickets, search, indexed, tag, monkeypatch):
    w = word(tag)
    made = [stored(tickets, title=w) for _ in range(4)]
    indexed(*made)
    monkeypatch.setattr(sys.modules[type(search).__module__], "SORTABLE", 3)
    with pytest.raises(ValidationFailed) as refused:
        search.search(SearchQuery.of(w, sort="updated"))
    assert "sort" in refused.value.errors
    assert len(find(search, w, sort="newest")) == 4  # the index order pages as usual


def test_a_cursor_from_elsewhere_is_refused(search):
    newest = base64.urlsafe_b64encode(b"newest||1").decode()  # a cursor of another order
    for bad in ("nonsense", newest, "!!"):
        with pytest.raises(ValidationFailed) as refused:
            search.search(SearchQuery.of("x", sort="oldest", after=bad))
        assert "cursor" in refused.value.errors


def test_a_page_costs_the_page_not_the_matches(tickets, search, indexed, backend, tag):
    w = word(tag)
    made = [stored(tickets, title=w) for _ in range(12)]
    indexed(*made)
    page = search.search(SearchQuery.of(w, limit=2))
    assert len(page.tickets) == 2 and page.next
    if backend != "memory":  # the fake reads everything, as a fake may
        assert page.read <= 3 * 3  # postings and tickets of a page and one more


# -- building the index for what was stored before -------------------------------------------


def test_reindex_is_safe_to_repeat(tickets, search, indexed, tag):
    w = word(tag)
    t = stored(tickets, title=w)
    search.reindex([t.number])
    assert search.reindex([t.number, t.number]) == 0
    assert search.reindex([10**9]) == 0  # no such ticket: nothing to do
    assert find(search, w) == [t.number]
