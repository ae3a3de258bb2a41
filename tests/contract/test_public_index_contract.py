"""The public queue's reads and the open-only status view, the same on every home: the open
tickets at once, a status's page whatever else its partition holds, and no finished ticket
in the status view."""

from __future__ import annotations

import pytest

from services.domain.lifecycle import FINISHED, Status
from services.domain.ticket import Change

from .builders import T0, event, minutes, stored


def numbers(tickets) -> list[int]:
    return [t.number for t in tickets]


def paged(tickets, status: Status, *, limit: int, newest_first: bool) -> list[list[int]]:
    """Every page of a status, read on by the cursor until it ends."""
    pages, cursor = [], ""
    for _ in range(50):
        page, cursor = tickets.public(status, limit=limit, newest_first=newest_first, after=cursor)
        assert len(page) <= limit
        pages.append(numbers(page))
        if not cursor:
            return pages
    raise AssertionError("the cursor never ended")


@pytest.mark.fresh_table
def test_the_status_view_holds_open_tickets_only(tickets):
    kept = stored(tickets)
    gone = stored(tickets)
    gone.status = Status.RESOLVED
    tickets.save(gone, Change(event(gone, "ticket.resolved")))
    closed = stored(tickets, status=Status.CLOSED)
    assert numbers(tickets.by_status(Status.NEW)) == [kept.number]
    for status in FINISHED:
        assert tickets.by_status(status) == []
    assert numbers(tickets.public(Status.CLOSED)[0]) == [closed.number]  # still public


@pytest.mark.fresh_table
def test_the_open_queue_is_every_open_public_ticket_by_filing_time(tickets):
    filed = [
        stored(tickets, at=T0 + minutes(1), status=Status.TRIAGED),
        stored(tickets, at=T0 + minutes(2)),
        stored(tickets, at=T0 + minutes(3), status=Status.POSTPONED),
    ]
    stored(tickets, at=T0 + minutes(4), private=True)
    stored(tickets, at=T0 + minutes(5), status=Status.CLOSED)
    first = filed[0]
    assert numbers(tickets.public_open()[0]) == numbers(filed)
    assert tickets.public_open()[0][0] == first
    assert tickets.public_open(newest_first=True) == (filed[::-1], False)
    assert (numbers(tickets.public_open(limit=2)[0]), tickets.public_open(limit=2)[1]) == (
        numbers(filed[:2]),
        True,
    )
    assert tickets.public_open(limit=3)[1] is False


@pytest.mark.fresh_table
def test_a_ticket_that_moves_is_in_the_open_queue_once_in_its_new_status(tickets):
    t = stored(tickets)
    t.status = Status.TRIAGED
    tickets.save(t, Change(event(t, "ticket.triaged")))
    assert [(x.number, x.status) for x in tickets.public_open()[0]] == [(t.number, t.status)]
    assert tickets.public(Status.NEW)[0] == []
    assert numbers(tickets.public(Status.TRIAGED)[0]) == [t.number]
    t.status = Status.RESOLVED
    tickets.save(t, Change(event(t, "ticket.resolved")))
    assert tickets.public_open()[0] == []
    assert numbers(tickets.public(Status.RESOLVED)[0]) == [t.number]


@pytest.mark.fresh_table
@pytest.mark.parametrize("newest_first", [False, True])
def test_a_finished_status_pages_right_among_the_other_finished_ones(tickets, newest_first):
    """Resolved, closed and rejected tickets filed in turn: the pages of `closed` hold the
    closed ones only, in order, each once, however the homes store the others beside them."""
    mixed = [Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.RESOLVED, Status.CLOSED]
    filed = [stored(tickets, at=T0 + minutes(i), status=mixed[i % 5]) for i in range(15)]
    closed = [t.number for t in filed if t.status is Status.CLOSED]
    pages = paged(tickets, Status.CLOSED, limit=2, newest_first=newest_first)
    seen = [n for page in pages for n in page]
    assert seen == (closed[::-1] if newest_first else closed)


@pytest.mark.fresh_table
def test_an_open_status_pages_right_among_the_other_open_ones(tickets):
    mixed = [Status.NEW, Status.TRIAGED, Status.IN_PROGRESS]
    filed = [stored(tickets, at=T0 + minutes(i), status=mixed[i % 3]) for i in range(9)]
    pages = paged(tickets, Status.TRIAGED, limit=1, newest_first=False)
    assert [n for page in pages for n in page] == [
        t.number for t in filed if t.status is Status.TRIAGED
    ]


def test_index_keys_written_by_a_save_need_no_renewal(tickets):
    t = stored(tickets)
    t.status = Status.CLOSED
    tickets.save(t, Change(event(t, "ticket.closed")))
    hidden = stored(tickets, private=True)
    assert tickets.renew_index_keys([t.number, hidden.number, 10**9]) == 0
    assert tickets.get(t.number).version == 2
