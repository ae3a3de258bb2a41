"""The TicketRepository's contract, the same cases on the fake, on DynamoDB and on SQLite:
changes are all or nothing, versions lock optimistically, WIP limits and finished-ticket checks
hold at commit, and a delivery is applied once (its receipt) to one ticket per thread."""

from __future__ import annotations

from datetime import date

import pytest

from services.domain.errors import (
    AlreadyDone,
    Conflict,
    NotDone,
    StaleVersion,
    TicketNotFound,
    WipLimitReached,
)
from services.domain.inbound import Inbound
from services.domain.lifecycle import Status
from services.domain.ticket import Change, WipChange
from services.domain.triage_rules import Complexity

from .builders import T0, escalation, event, finished, minutes, stored, taken, ticket

# -- numbers, get, history --------------------------------------------------------------------


def test_numbers_are_never_reused_and_a_block_is_reserved_at_once(tickets):
    first = tickets.next_number()
    last_of_three = tickets.next_number(3)
    assert last_of_three == first + 3
    assert tickets.next_number() == last_of_three + 1


def test_a_stored_ticket_reads_back_whole(tickets):
    t = ticket(
        tickets,
        end_state="Analysts query the replica",
        acceptance_criteria=["lag < 60 s", "analysts can log in"],
        drop_dead_date=date(2026, 12, 30),
        capacity_needs="500 GB",
        dependencies=["Storage order #12"],
        private=True,
        owner="priya",
        status=Status.ASSIGNED,
        complexity=Complexity("M", 5, ("two teams", "new hardware")),
        escalation=escalation(),
        skills=["mysql"],
        eta=date(2026, 12, 20),
        depends_on=[3, 4],
        timers={"sla-ack": T0 + minutes(30), "nudge": T0 + minutes(90)},
        fired=["drop-dead-near"],
        last_update_at=T0,
        last_update="Ordered the disks",
    )
    tickets.add(t, event(t, "ticket.filed"))
    assert t.version == 1
    assert tickets.get(t.number) == t


def test_a_missing_ticket_is_not_found(tickets):
    with pytest.raises(TicketNotFound):
        tickets.get(999_999)


def test_get_many_returns_the_tickets_that_exist_by_number(tickets):
    a, b = stored(tickets), stored(tickets)
    found = tickets.get_many([b.number, a.number, b.number, 999_999])
    assert found == {a.number: a, b.number: b}
    assert tickets.get_many([]) == {}


def test_history_is_oldest_first_and_a_housekeeping_change_records_no_event(tickets):
    t = stored(tickets)
    tickets.save(t, Change(event(t, "ticket.acknowledged", T0 + minutes(1))))
    # A writer with a slower clock: the order is the lock's, not the clocks'.
    tickets.save(t, Change(event(t, "ticket.commented", T0 - minutes(5))))
    t.timers = {"nudge": T0 + minutes(60)}
    tickets.save(t, Change(None))
    assert [e.kind for e in tickets.history(t.number)] == [
        "ticket.filed",
        "ticket.acknowledged",
        "ticket.commented",
    ]
    assert tickets.get(t.number).version == t.version == 4
    assert tickets.history(999_999) == []


# -- optimistic locking -----------------------------------------------------------------------


def test_a_stale_copy_cannot_overwrite_a_newer_one(tickets):
    number = stored(tickets).number
    first, second = tickets.get(number), tickets.get(number)
    tickets.save(first, Change(event(first, "ticket.acknowledged")))
    second.title = "Something else"
    with pytest.raises(Conflict, match="changed by someone else"):
        tickets.save(second, Change(event(second, "ticket.acknowledged")))
    assert [e.kind for e in tickets.history(number)] == ["ticket.filed", "ticket.acknowledged"]
    assert tickets.get(number).version == 2
    assert tickets.get(number).title != "Something else"


def test_a_number_is_filed_once(tickets):
    t = stored(tickets)
    again = ticket(tickets)
    again.number = t.number
    with pytest.raises(StaleVersion):
        tickets.add(again, event(again, "ticket.filed"))
    assert len(tickets.history(t.number)) == 1


# -- WIP limits --------------------------------------------------------------------------------


def test_taking_a_ticket_counts_against_the_members_limit(tickets, tag):
    member = f"wip-{tag}"
    a, b = stored(tickets), stored(tickets)
    tickets.save(a, taken(a, member, limit=1))
    assert tickets.open_counts([member]) == {member: 1}
    b_before = tickets.get(b.number)
    with pytest.raises(WipLimitReached):
        tickets.save(b, taken(b, member, limit=1))
    assert tickets.get(b.number) == b_before  # nothing of the change was written
    assert tickets.open_counts([member]) == {member: 1}


def test_finishing_frees_a_place_and_the_limit_only_stops_a_rise(tickets, tag):
    member = f"free-{tag}"
    a, b = stored(tickets), stored(tickets)
    tickets.save(a, taken(a, member, limit=1))
    tickets.save(b, taken(b, member))  # no limit: a triager assigning over it
    assert tickets.open_counts([member]) == {member: 2}
    tickets.save(a, finished(a, member))  # a fall is never refused
    assert tickets.open_counts([member]) == {member: 1}
    c = stored(tickets)
    with pytest.raises(WipLimitReached):
        tickets.save(c, taken(c, member, limit=1))
    tickets.save(b, finished(b, member))
    tickets.save(c, taken(c, member, limit=1))
    assert tickets.open_counts([member, "nobody-" + member]) == {member: 1, "nobody-" + member: 0}


# -- finished-ticket checks --------------------------------------------------------------------


def test_a_change_requiring_an_open_ticket_to_be_finished_is_refused(tickets, tag):
    member = f"check-{tag}"
    parent, child = stored(tickets), stored(tickets)
    tickets.save(parent, taken(parent, member))
    change = finished(parent, member)
    change = Change(change.event, change.wip, require_finished=(child.number,))
    with pytest.raises(NotDone, match=f"#{child.number} is not finished"):
        tickets.save(parent, change)
    assert tickets.get(parent.number).status is Status.ASSIGNED
    assert tickets.open_counts([member]) == {member: 1}
    with pytest.raises(NotDone):  # a ticket that does not exist is not finished either
        tickets.save(parent, Change(None, require_finished=(999_999,)))

    child.status = Status.REJECTED
    tickets.save(child, Change(event(child, "ticket.rejected")))
    tickets.save(parent, change)
    assert tickets.get(parent.number).status is Status.RESOLVED


# -- deliveries: receipts and threads ----------------------------------------------------------


def delivery(tag: str, name: str, thread: str = "") -> Inbound:
    return Inbound(
        source="github",
        delivery=f"{tag}-{name}",
        action="open",
        thread=thread,
        draft={"title": "x"},
    )


def test_a_ticket_filed_for_a_delivery_marks_it_applied_and_links_its_thread(tickets, inbox, tag):
    thread = f"github:octo/repo#{tag}"
    message = delivery(tag, "d1", thread)
    assert inbox.record(message)
    t = ticket(tickets)
    tickets.add(t, event(t, "ticket.filed"), receipt=message, thread=thread)
    assert inbox.linked(thread) == t.number
    assert not inbox.settle(message, "ignored")  # applied already
    with pytest.raises(AlreadyDone):  # redelivered: applied once
        tickets.save(t, Change(event(t)), receipt=message)
    assert len(tickets.history(t.number)) == 1


def test_a_thread_linked_meanwhile_refuses_a_second_ticket(tickets, inbox, tag):
    thread = f"github:octo/repo#{tag}"
    first, second = delivery(tag, "d1", thread), delivery(tag, "d2", thread)
    inbox.record(first), inbox.record(second)
    a = ticket(tickets)
    tickets.add(a, event(a, "ticket.filed"), receipt=first, thread=thread)
    b = ticket(tickets)
    with pytest.raises(StaleVersion):
        tickets.add(b, event(b, "ticket.filed"), receipt=second, thread=thread)
    with pytest.raises(TicketNotFound):
        tickets.get(b.number)
    assert inbox.linked(thread) == a.number
    assert inbox.settle(second, "commented on the linked ticket")  # not applied: free


def test_a_change_applies_a_delivery_once(tickets, inbox, tag):
    t = stored(tickets)
    comment = delivery(tag, "c1")
    inbox.record(comment)
    tickets.save(t, Change(event(t)), receipt=comment)
    with pytest.raises(AlreadyDone):
        tickets.save(t, Change(event(t)), receipt=comment)
    assert tickets.get(t.number).version == 2


def test_a_delivery_never_recorded_cannot_be_applied(tickets, tag):
    t = stored(tickets)
    with pytest.raises(AlreadyDone):
        tickets.save(t, Change(event(t)), receipt=delivery(tag, "never-recorded"))
    assert tickets.get(t.number).version == 1


# -- splits ------------------------------------------------------------------------------------


def test_a_split_stores_the_parent_and_its_children_together(tickets, tag):
    member = f"split-{tag}"
    parent = stored(tickets)
    kids = [ticket(tickets, parent=parent.number), ticket(tickets, parent=parent.number)]
    parent.children = [k.number for k in kids]
    # Both children to one member: two moves of one counter, checked as one.
    tickets.save_split(
        parent,
        Change(event(parent, "ticket.split")),
        [(k, taken(k, member, limit=2)) for k in kids],
    )
    assert parent.version == 2 and all(k.version == 1 for k in kids)
    assert tickets.get(parent.number).children == [k.number for k in kids]
    assert [tickets.get(k.number).owner for k in kids] == [member, member]
    assert tickets.open_counts([member]) == {member: 2}


def test_a_split_that_fails_stores_nothing(tickets, tag):
    member = f"nosplit-{tag}"
    busy, parent = stored(tickets), stored(tickets)
    tickets.save(busy, taken(busy, member))
    kids = [ticket(tickets, parent=parent.number), ticket(tickets, parent=parent.number)]
    parent.children = [k.number for k in kids]
    with pytest.raises(WipLimitReached):  # 1 + 2 > 2
        tickets.save_split(
            parent,
            Change(event(parent, "ticket.split")),
            [(k, taken(k, member, limit=2)) for k in kids],
        )
    assert tickets.get(parent.number).children == []
    assert tickets.get_many(k.number for k in kids) == {}
    assert tickets.open_counts([member]) == {member: 1}


def test_moves_of_one_member_in_one_change_are_summed(tickets, tag):
    member = f"sum-{tag}"
    a, b = stored(tickets), stored(tickets)
    tickets.save(a, taken(a, member, limit=1))
    change = Change(event(b), wip=(WipChange(member, 1, 1), WipChange(member, -1)))
    tickets.save(b, change)  # +1 and -1 at the limit: no move at all, so nothing to refuse
    assert tickets.open_counts([member]) == {member: 1}


def test_a_split_over_the_limit_of_a_member_with_no_tickets_yet_is_refused(tickets, tag):
    member = f"newcomer-{tag}"  # no counter stored yet: the limit still holds
    parent = stored(tickets)
    kids = [ticket(tickets, parent=parent.number), ticket(tickets, parent=parent.number)]
    parent.children = [k.number for k in kids]
    with pytest.raises(WipLimitReached):  # 0 + 2 > 1
        tickets.save_split(
            parent,
            Change(event(parent, "ticket.split")),
            [(k, taken(k, member, limit=1)) for k in kids],
        )
    assert tickets.get_many(k.number for k in kids) == {}
    assert tickets.open_counts([member]) == {member: 0}
