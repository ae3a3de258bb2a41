"""The public queue's logic with a fake repository: which tickets it reads, how it filters,
sorts and pages them, and that private tickets never come out of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.domain import events as ev
from services.domain.drafts import Requester
from services.domain.events import Event
from services.domain.lifecycle import Status
from services.domain.ticket import Ticket
from services.intake import queue
from services.intake.queue import (
    InvalidQuery,
    QueueQuery,
    feed_tickets,
    parse_query,
    read_queue,
    reading,
)
from tests.fakes import FakeTicketRepository

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def put(repo: FakeTicketRepository, number: int, **fields) -> Ticket:
    """A ticket filed `number` hours after T0, straight into the fake's store."""
    filed = fields.pop("created_at", T0 + timedelta(hours=number))
    ticket = Ticket(
        number=number,
        type=fields.pop("type", "general"),
        title=fields.pop("title", f"Ticket {number}"),
        requirements="Something the team can do.",
        requester=Requester(name="Ana Souza", email="ana@example.org"),
        created_at=filed,
        updated_at=filed,
        token_salt="salt",
        token_digest="digest",
        last_update_at=fields.pop("last_update_at", filed),
        last_update=fields.pop("last_update", "Filed"),
        **fields,
    )
    repo.tickets[number] = ticket
    return ticket


def numbers(tickets) -> list[int]:
    return [t.number for t in tickets]


@pytest.fixture
def repo() -> FakeTicketRepository:
    return FakeTicketRepository()


class CountingRepository(FakeTicketRepository):
    """Counts the index reads and the items they return."""

    def __init__(self):
        super().__init__()
        self.queries = 0
        self.items = 0

    def public(self, status, **kwargs):
        self.queries += 1
        found, cursor = super().public(status, **kwargs)
        self.items += len(found)
        return found, cursor

    def public_open(self, **kwargs):
        self.queries += 1
        found, more = super().public_open(**kwargs)
        self.items += len(found)
        return found, more


# -- the query string ------------------------------------------------------------------------


def test_no_parameters_mean_every_open_ticket_oldest_first(flow):
    q = parse_query({}, flow)
    assert q == QueueQuery()
    assert q.statuses == frozenset(queue.OPEN_STATUSES)
    assert (q.order, q.page, q.per_page) == ("oldest", 1, queue.PER_PAGE)


def test_a_finished_status_defaults_to_newest_first(flow):
    q = parse_query({"status": "closed"}, flow)
    assert q.status is Status.CLOSED and q.finished and q.order == "newest"


def test_every_bad_parameter_is_named(flow):
    with pytest.raises(InvalidQuery) as caught:
        parse_query(
            {
                "status": "lost",
                "type": "nope",
                "owner": "mallory",
                "sort": "random",
                "page": "0",
                "per_page": "500",
                "ticket": "x",
            },
            flow,
        )
    assert set(caught.value.errors) == {
        "status",
        "type",
        "owner",
        "sort",
        "page",
        "per_page",
        "ticket",
    }
    assert "needs-info" in caught.value.errors["status"]  # it says what to choose


@pytest.mark.parametrize("page", ["-1", "abc", "1.5", "9" * 5000, " "])
def test_a_page_that_is_no_whole_number_is_refused(flow, page):
    if not page.strip():
        assert parse_query({"page": page}, flow).page == 1  # blank: the default
        return
    with pytest.raises(InvalidQuery) as caught:
        parse_query({"page": page}, flow)
    assert set(caught.value.errors) == {"page"}


def test_finished_tickets_sort_by_filing_date_and_page_by_cursor_only(flow):
    with pytest.raises(InvalidQuery) as caught:
        parse_query({"status": "resolved", "sort": "updated", "page": "2"}, flow)
    assert set(caught.value.errors) == {"sort", "page"}
    with pytest.raises(InvalidQuery) as caught:
        parse_query({"after": "2026-11-02T10:00:00+00:00#0000000001"}, flow)
    assert set(caught.value.errors) == {"after"}  # open tickets page by number
    with pytest.raises(InvalidQuery) as caught:
        parse_query({"status": "closed", "after": "'; drop table"}, flow)
    assert set(caught.value.errors) == {"after"}
    q = parse_query(
        {"status": "closed", "sort": "oldest", "after": "2026-11-02T10:00:00+00:00#0000000001"},
        flow,
    )
    assert q.order == "oldest" and q.after.endswith("#0000000001")


def test_a_type_whose_tickets_are_all_private_is_valid_and_shows_nothing(flow, repo):
    put(repo, 1, type="access", private=True)
    q = parse_query({"type": "access"}, flow)
    assert read_queue(repo, q).tickets == []


def test_links_keep_the_filters_and_leave_out_the_defaults(flow):
    q = parse_query({"type": "database", "owner": "priya", "sort": "updated"}, flow)
    assert q.params(page=2) == {
        "type": "database",
        "owner": "priya",
        "sort": "updated",
        "page": "2",
    }
    assert QueueQuery().params() == {}
    assert parse_query({"per_page": "50", "status": "open"}, flow).params() == {}


# -- the open view ---------------------------------------------------------------------------


def test_the_open_view_shows_every_open_public_ticket_and_nothing_else(flow, repo):
    for n, status in enumerate(Status, start=1):
        put(repo, n, status=status)
    put(repo, 20, status=Status.TRIAGED, private=True, title="Secret migration")
    result = read_queue(repo, parse_query({}, flow))
    assert numbers(result.tickets) == [1, 2, 3, 4, 5, 6]  # new .. postponed, oldest first
    assert result.total == 6 and result.pages == 1 and result.truncated == []


def test_filters_by_status_type_and_owner(flow, repo):
    put(repo, 1, status=Status.ASSIGNED, owner="priya", type="database")
    put(repo, 2, status=Status.ASSIGNED, owner="mira", type="database")
    put(repo, 3, status=Status.IN_PROGRESS, owner="priya", type="general")
    put(repo, 4, status=Status.IN_PROGRESS, owner="priya", type="database")

    def shown(**args):
        return numbers(read_queue(repo, parse_query(args, flow)).tickets)

    assert shown(owner="priya") == [1, 3, 4]
    assert shown(type="database") == [1, 2, 4]
    assert shown(type="database", owner="priya") == [1, 4]
    assert shown(status="in-progress", owner="priya") == [3, 4]


def test_sorts_by_age_last_update_and_status(flow, repo):
    put(repo, 1, status=Status.IN_PROGRESS, last_update_at=T0 + timedelta(days=3))
    put(repo, 2, status=Status.NEW)
    put(repo, 3, status=Status.TRIAGED, last_update_at=T0 + timedelta(days=9))

    def shown(sort):
        return numbers(read_queue(repo, parse_query({"sort": sort}, flow)).tickets)

    assert shown("oldest") == [1, 2, 3]
    assert shown("newest") == [3, 2, 1]
    assert shown("updated") == [3, 1, 2]
    assert shown("status") == [2, 3, 1]  # new, triaged, in-progress: the life-cycle's order


def test_pages_in_memory_with_a_total(flow, repo):
    for n in range(1, 6):
        put(repo, n)
    pages = [
        read_queue(repo, parse_query({"per_page": "2", "page": str(p)}, flow)) for p in (1, 2, 3)
    ]
    assert [numbers(p.tickets) for p in pages] == [[1, 2], [3, 4], [5]]
    assert {(p.total, p.pages) for p in pages} == {(5, 3)}
    beyond = read_queue(repo, parse_query({"per_page": "2", "page": "4"}, flow))
    assert beyond.tickets == [] and beyond.pages == 3


def test_an_open_queue_over_the_cap_is_cut_and_says_so(flow, repo, monkeypatch):
    monkeypatch.setattr(reading, "READ_CAP", 3)
    for n in range(1, 6):
        put(repo, n, status=Status.TRIAGED)
    put(repo, 6, status=Status.NEW)
    result = read_queue(repo, parse_query({}, flow))
    assert result.truncated == list(queue.OPEN_STATUSES)  # any of them may miss some
    assert numbers(result.tickets) == [1, 2, 3]  # the oldest three open ones
    newest = read_queue(repo, parse_query({"sort": "newest"}, flow))
    assert numbers(newest.tickets) == [6, 5, 4]  # newest first keeps the newest
    one = read_queue(repo, parse_query({"status": "new", "sort": "newest"}, flow))
    assert numbers(one.tickets) == [6] and one.truncated == [Status.NEW]


def test_the_open_view_reads_the_open_queue_once_whatever_its_statuses(flow):
    repo = CountingRepository()
    for n in range(1, 30):
        put(repo, n, status=list(Status)[n % 9])
    read_queue(repo, parse_query({"type": "general"}, flow))
    assert repo.queries == 1
    repo.queries = 0
    read_queue(repo, parse_query({"status": "triaged"}, flow))
    assert repo.queries == 1


# -- finished tickets: the index's cursor --------------------------------------------------


def test_finished_tickets_page_newest_first_without_repeats_or_gaps(flow, repo):
    for n in range(1, 12):
        put(repo, n, status=Status.CLOSED, type="database" if n % 3 else "general")
    put(repo, 12, status=Status.CLOSED, type="database", private=True)
    args = {"status": "closed", "type": "database", "per_page": "3"}
    seen: list[int] = []
    after = ""
    for _ in range(10):
        result = read_queue(repo, parse_query({**args, "after": after}, flow))
        seen += numbers(result.tickets)
        assert result.total is None and result.pages is None
        after = result.next_after
        if not after:
            break
    assert seen == [11, 10, 8, 7, 5, 4, 2, 1]


def test_finished_tickets_oldest_first(flow, repo):
    for n in range(1, 5):
        put(repo, n, status=Status.RESOLVED)
    first = read_queue(
        repo, parse_query({"status": "resolved", "sort": "oldest", "per_page": "3"}, flow)
    )
    assert numbers(first.tickets) == [1, 2, 3]
    rest = read_queue(
        repo,
        parse_query({"status": "resolved", "sort": "oldest", "after": first.next_after}, flow),
    )
    assert numbers(rest.tickets) == [4] and rest.next_after == ""


def test_a_selective_filter_on_finished_tickets_reads_a_bounded_amount(flow):
    repo = CountingRepository()
    for n in range(1, 3001):
        put(repo, n, status=Status.CLOSED, type="general")
    put(repo, 3001, status=Status.CLOSED, type="database", created_at=T0 - timedelta(days=1))
    result = read_queue(repo, parse_query({"status": "closed", "type": "database"}, flow))
    assert result.tickets == [] and result.next_after  # nothing yet: the next page goes on
    assert repo.queries <= queue.FINISHED_TRIPS
    assert repo.items <= queue.FINISHED_BUDGET + queue.PER_PAGE_MAX


# -- one ticket ------------------------------------------------------------------------------


def test_one_public_ticket_whatever_its_status_and_never_a_private_one(flow, repo):
    put(repo, 1, status=Status.REJECTED)
    put(repo, 2, status=Status.TRIAGED, private=True)

    def shown(**args):
        return numbers(read_queue(repo, parse_query(args, flow)).tickets)

    assert shown(ticket="1") == [1]
    assert shown(ticket="2") == shown(ticket="99") == []  # private looks like missing
    assert shown(ticket="1", status="new") == []  # other filters still narrow


def test_a_private_ticket_the_index_returns_by_mistake_is_still_dropped(flow):
    class LeakyIndex(FakeTicketRepository):
        def public(self, status, **kwargs):
            return [t for t in self.tickets.values() if t.status == status], ""

        def public_open(self, **kwargs):
            return [t for t in self.tickets.values() if t.is_open], False

    repo = LeakyIndex()
    put(repo, 1)
    put(repo, 2, private=True)
    assert numbers(read_queue(repo, parse_query({}, flow)).tickets) == [1]
    put(repo, 3, status=Status.CLOSED, private=True)
    assert read_queue(repo, parse_query({"status": "closed"}, flow)).tickets == []


# -- the feed --------------------------------------------------------------------------------


def event(number: int, at: datetime, *, public: bool = True, kind: str = ev.CLOSED) -> Event:
    return Event(number, kind, at, "member:mira", public)


def test_the_feed_has_open_and_lately_finished_tickets_by_last_update(flow, repo):
    put(repo, 1, status=Status.IN_PROGRESS, last_update_at=NOW - timedelta(hours=5))
    put(repo, 2, status=Status.NEW, last_update_at=NOW - timedelta(days=20))
    # Filed long ago, closed an hour ago: deep in its partition, found by today's events.
    put(repo, 3, status=Status.CLOSED, last_update_at=NOW - timedelta(hours=1))
    repo.events[3] = [event(3, NOW - timedelta(hours=1))]
    # Closed a month ago: out of the feed.
    put(repo, 4, status=Status.CLOSED, last_update_at=NOW - timedelta(days=30))
    repo.events[4] = [event(4, NOW - timedelta(days=30))]
    # Private, updated today: never.
    put(repo, 5, status=Status.RESOLVED, private=True, last_update_at=NOW)
    repo.events[5] = [event(5, NOW - timedelta(minutes=5), kind=ev.RESOLVED)]
    put(repo, 6, status=Status.TRIAGED, private=True, last_update_at=NOW)
    assert numbers(feed_tickets(repo, parse_query({}, flow), NOW)) == [3, 1, 2]
    assert numbers(feed_tickets(repo, parse_query({}, flow), NOW, limit=2)) == [3, 1]


def test_the_feed_honours_the_filters(flow, repo):
    put(repo, 1, status=Status.IN_PROGRESS, owner="priya", type="database")
    put(repo, 2, status=Status.IN_PROGRESS, owner="mira")
    put(repo, 3, status=Status.RESOLVED, owner="priya", type="database")
    repo.events[3] = [event(3, NOW - timedelta(hours=2), kind=ev.RESOLVED)]
    assert numbers(feed_tickets(repo, parse_query({"owner": "priya"}, flow), NOW)) == [3, 1]
    assert numbers(feed_tickets(repo, parse_query({"status": "resolved"}, flow), NOW)) == [3]
    assert numbers(feed_tickets(repo, parse_query({"type": "general"}, flow), NOW)) == [2]


def test_an_internal_event_does_not_bring_a_finished_ticket_into_the_feed(flow, repo):
    put(repo, 1, status=Status.CLOSED, last_update_at=NOW - timedelta(days=40))
    repo.events[1] = [event(1, NOW - timedelta(hours=1), public=False, kind=ev.SLA_BREACHED)]
    assert feed_tickets(repo, parse_query({}, flow), NOW) == []


def test_a_ticket_without_a_last_update_counts_from_its_filing(flow, repo):
    put(repo, 1, status=Status.NEW, last_update_at=None, created_at=NOW - timedelta(days=2))
    put(repo, 2, status=Status.NEW, last_update_at=NOW - timedelta(days=1))
    assert numbers(read_queue(repo, parse_query({"sort": "updated"}, flow)).tickets) == [2, 1]
