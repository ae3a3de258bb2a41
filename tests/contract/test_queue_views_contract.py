"""The TicketRepository's read views, the same cases on the fake, on DynamoDB (its global
secondary indexes) and on SQLite (its indexes): who sees which tickets, in which order, a page
at a time."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from services.domain.lifecycle import Status
from services.domain.ticket import Change

from .builders import T0, escalation, event, finished, minutes, stored, taken

# -- by status, owner, escalation --------------------------------------------------------------


@pytest.mark.fresh_table
def test_by_status_is_oldest_filed_first_then_by_number(tickets):
    late = stored(tickets, at=T0 + minutes(5))
    a = stored(tickets)
    b = stored(tickets)  # filed at the same moment: the lower number first
    stored(tickets, status=Status.TRIAGED)
    assert [t.number for t in tickets.by_status(Status.NEW)] == [a.number, b.number, late.number]
    assert [t.number for t in tickets.by_status(Status.NEW, limit=2)] == [a.number, b.number]
    assert tickets.by_status(Status.CLOSED) == []
    assert tickets.by_status(Status.NEW)[0] == a


def test_by_owner_lists_a_members_open_tickets_only(tickets, tag):
    member = f"owner-{tag}"
    first, second, done = (stored(tickets, at=T0 + minutes(i)) for i in range(3))
    for t in (second, first, done):
        tickets.save(t, taken(t, member))
    tickets.save(done, finished(done, member))
    assert [t.number for t in tickets.by_owner(member)] == [first.number, second.number]
    assert [t.number for t in tickets.by_owner(member, limit=1)] == [first.number]
    assert tickets.by_owner(f"nobody-{tag}") == []


@pytest.mark.fresh_table
def test_escalated_lists_open_tickets_with_an_escalation(tickets):
    plain = stored(tickets)
    raised = stored(tickets, escalation=escalation())
    closed = stored(tickets, escalation=escalation(), status=Status.CLOSED)
    assert [t.number for t in tickets.escalated()] == [raised.number]
    plain.escalation = escalation(by="ben")
    tickets.save(plain, Change(event(plain, "ticket.escalated")))
    assert [t.number for t in tickets.escalated()] == [plain.number, raised.number]
    assert [t.number for t in tickets.escalated(limit=1)] == [plain.number]
    assert closed.number not in [t.number for t in tickets.escalated()]


# -- timers ------------------------------------------------------------------------------------


@pytest.mark.fresh_table
def test_due_finds_tickets_whose_earliest_timer_has_come(tickets):
    soon = stored(tickets, timers={"sla": T0 + minutes(10), "nudge": T0 + minutes(90)})
    sooner = stored(tickets, timers={"ack": T0 + minutes(5)})
    stored(tickets, timers={"nudge": T0 + minutes(60)})
    stored(tickets)  # no timer at all
    assert tickets.due(T0) == []
    assert tickets.due(T0 + minutes(5)) == [sooner.number]  # due at the very moment
    assert tickets.due(T0 + minutes(30)) == [sooner.number, soon.number]
    assert tickets.due(T0 + minutes(30), limit=1) == [sooner.number]
    # Another time zone, the same moment.
    there = timezone(timedelta(hours=-5))
    assert tickets.due((T0 + minutes(5)).astimezone(there)) == [sooner.number]

    sooner.timers = {}
    tickets.save(sooner, Change(None))  # fired and not re-planned: out of the index
    assert tickets.due(T0 + minutes(30)) == [soon.number]


# -- the public queue --------------------------------------------------------------------------


@pytest.mark.fresh_table
def test_the_public_queue_leaves_private_tickets_out(tickets):
    shown = stored(tickets)
    stored(tickets, private=True)
    stored(tickets, status=Status.TRIAGED)
    page, cursor = tickets.public(Status.NEW)
    assert ([t.number for t in page], cursor) == ([shown.number], "")
    assert page[0] == shown


@pytest.mark.fresh_table
@pytest.mark.parametrize("newest_first", [False, True])
def test_the_public_queue_pages_with_a_cursor(tickets, newest_first):
    filed = [stored(tickets, at=T0 + minutes(i)) for i in range(5)]
    expected = [t.number for t in (filed[::-1] if newest_first else filed)]
    seen, cursor, pages = [], "", 0
    while True:
        page, cursor = tickets.public(Status.NEW, limit=2, newest_first=newest_first, after=cursor)
        seen += [t.number for t in page]
        pages += 1
        if not cursor:
            break
    assert seen == expected
    assert pages == 3  # 2 + 2 + 1: the short page is the last


@pytest.mark.fresh_table
def test_a_full_last_page_ends_the_paging_at_once_or_with_an_empty_page(tickets):
    """DynamoDB may give a full last page a cursor (it does not always know that nothing is
    left); the page after it is then empty and has none."""
    filed = [stored(tickets, at=T0 + minutes(i)) for i in range(4)]
    first, cursor = tickets.public(Status.NEW, limit=2)
    second, cursor = tickets.public(Status.NEW, limit=2, after=cursor)
    assert [t.number for t in first + second] == [t.number for t in filed]
    if cursor:
        assert tickets.public(Status.NEW, limit=2, after=cursor) == ([], "")


# -- a requester's tickets, a day's events, members' counts ------------------------------------


def test_by_requester_is_newest_first_whatever_the_case_of_the_address(tickets, tag):
    email = f"{tag}@example.org".lower()
    older = stored(tickets, email=email)
    newer = stored(tickets, email=email, at=T0 + minutes(1))
    stored(tickets, email=f"other-{email}")
    mine = tickets.by_requester(email.upper())
    assert [t.number for t in mine] == [newer.number, older.number]
    assert [t.number for t in tickets.by_requester(email, limit=1)] == [newer.number]
    assert mine[1] == older


def test_filed_for_counts_a_requesters_filings_in_a_range_up_to_a_limit(tickets, tag):
    email = f"{tag}@example.org".lower()
    for n in range(4):
        stored(tickets, email=email, at=T0 + minutes(10 * n))  # T0, +10, +20, +30
    stored(tickets, email=f"other-{email}", at=T0 + minutes(5))
    in_range = T0 + minutes(10), T0 + minutes(30)
    assert tickets.filed_for(email.upper(), *in_range, limit=10) == 3  # both ends included
    assert tickets.filed_for(email, *in_range, limit=2) == 2
    assert tickets.filed_for(email, T0 - minutes(60), T0 - minutes(1), limit=10) == 0


@pytest.mark.fresh_table
def test_events_on_lists_a_utc_days_events_in_time_order(tickets):
    day = T0.date()
    t = stored(tickets, at=T0 + minutes(30))
    u = stored(tickets, at=T0)
    # 23:30 at UTC-5 is the next day in UTC.
    late = (T0.replace(hour=23) + timedelta(hours=4, minutes=30)).astimezone(
        timezone(timedelta(hours=-5))
    )
    tickets.save(t, Change(event(t, "ticket.commented", late)))
    assert [(e.ticket, e.kind) for e in tickets.events_on(day)] == [
        (u.number, "ticket.filed"),
        (t.number, "ticket.filed"),
    ]
    [next_day] = tickets.events_on(day + timedelta(days=1))
    assert (next_day.ticket, next_day.at) == (t.number, late)
    assert tickets.events_on(day - timedelta(days=1)) == []


def test_open_counts_are_zero_for_members_never_counted(tickets, tag):
    busy = f"busy-{tag}"
    t = stored(tickets)
    tickets.save(t, taken(t, busy))
    assert tickets.open_counts([busy, f"idle-{tag}", busy]) == {busy: 1, f"idle-{tag}": 0}
    assert tickets.open_counts(iter([busy])) == {busy: 1}
    assert tickets.open_counts([]) == {}
