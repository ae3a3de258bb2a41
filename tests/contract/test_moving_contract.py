"""The repository's moving-house methods (rtflow export / import), the same cases on the fake,
on DynamoDB and on SQLite: every number listed, the counter raised and never lowered, and an
exported ticket restored whole with its history and views, once, in one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.domain.drafts import Requester
from services.domain.events import Event
from services.domain.lifecycle import Status
from services.domain.ticket import Change, Ticket

from .builders import T0, escalation, event, minutes, stored

pytestmark = pytest.mark.fresh_table


def exported(number: int, **fields) -> Ticket:
    """A ticket as it left another home: numbered there, at the version its changes made."""
    values = {
        "number": number,
        "type": "general",
        "title": "Renew the VPN certificate",
        "requirements": "The certificate expires on the 30th.",
        "requester": Requester(name="Rui Costa", email="rui@example.org"),
        "created_at": T0,
        "updated_at": T0 + minutes(20),
        "token_salt": "7f3a",
        "token_digest": "c0ffee",
        "status": Status.IN_PROGRESS,
        "owner": "priya",
        "timers": {"sla-resolve": T0 + timedelta(days=2)},
        "version": 4,
    }
    return Ticket(**(values | fields))


def history(t: Ticket, count: int = 3) -> list[Event]:
    kinds = ["ticket.filed", "ticket.assigned", *["ticket.commented"] * (count - 2)]
    return [
        Event(ticket=t.number, kind=k, at=T0 + minutes(i), actor="api", public=True, data={"i": i})
        for i, k in enumerate(kinds)
    ]


def test_numbers_lists_every_stored_ticket_in_order(tickets):
    filed = [stored(tickets).number for _ in range(3)]
    tickets.next_number(5)  # numbers given out and never filed are not tickets
    assert tickets.numbers() == sorted(filed)


def test_the_counter_is_raised_to_a_number_and_never_lowered(tickets):
    n = tickets.next_number()
    tickets.reserve_through(n + 40)
    assert tickets.next_number() == n + 41
    tickets.reserve_through(n)
    assert tickets.next_number() == n + 42


def test_reserving_on_a_new_store_starts_the_counter_there(tickets):
    tickets.reserve_through(1200)
    assert tickets.next_number() == 1201


def test_a_restored_ticket_reads_back_whole_with_its_history_in_order(tickets):
    t = exported(1200, escalation=escalation(), depends_on=[7], fired=["drop-dead-near"], version=6)
    events = history(t, 5)
    tickets.reserve_through(1200)  # as import does first
    assert tickets.restore(t, events) is True
    assert tickets.get(1200) == t
    assert [e.id for e in tickets.history(1200)] == [e.id for e in events]
    assert tickets.history(1200) == events
    assert tickets.numbers() == [1200]


def test_a_restored_ticket_is_in_every_view_it_belongs_to(tickets):
    t = exported(1201, escalation=escalation())
    tickets.restore(t, history(t))
    assert [x.number for x in tickets.by_status(Status.IN_PROGRESS)] == [1201]
    assert [x.number for x in tickets.by_owner("priya")] == [1201]
    assert [x.number for x in tickets.by_requester("rui@example.org")] == [1201]
    assert [x.number for x in tickets.escalated()] == [1201]
    assert [x.number for x in tickets.public(Status.IN_PROGRESS)[0]] == [1201]
    assert tickets.due(T0 + timedelta(days=3)) == [1201]
    assert tickets.due(T0 + timedelta(days=1)) == []
    assert len(tickets.events_on(T0.date())) == 3


def test_a_private_or_finished_ticket_stays_out_of_the_views_it_does_not_belong_to(tickets):
    hidden = exported(1202, private=True)
    done = exported(1203, status=Status.CLOSED, timers={})
    tickets.restore(hidden, history(hidden))
    tickets.restore(done, history(done))
    assert tickets.public(Status.IN_PROGRESS)[0] == []
    assert [x.number for x in tickets.by_owner("priya")] == [1202]
    assert tickets.by_status(Status.CLOSED) == []  # the status view holds open tickets only
    assert [x.number for x in tickets.public(Status.CLOSED)[0]] == [1203]


def test_restoring_counts_open_owned_tickets_against_their_owner(tickets):
    tickets.restore(*_with_history(exported(1204)))
    tickets.restore(*_with_history(exported(1205, owner="mira")))
    tickets.restore(*_with_history(exported(1206, status=Status.RESOLVED)))
    tickets.restore(*_with_history(exported(1207, status=Status.TRIAGED, owner=None)))
    assert tickets.open_counts(["priya", "mira", "li"]) == {"priya": 1, "mira": 1, "li": 0}


def _with_history(t: Ticket) -> tuple[Ticket, list[Event]]:
    return t, history(t)


def test_a_ticket_that_exists_is_not_restored_again(tickets):
    t = exported(1208)
    assert tickets.restore(t, history(t)) is True
    again = exported(1208, title="Something else")
    assert tickets.restore(again, history(again, 4)) is False
    assert tickets.get(1208) == t
    assert len(tickets.history(1208)) == 3
    assert tickets.open_counts(["priya"]) == {"priya": 1}


def test_a_number_taken_by_a_filed_ticket_is_not_restored(tickets):
    filed = stored(tickets)
    t = exported(filed.number)
    assert tickets.restore(t, history(t)) is False
    assert tickets.get(filed.number) == filed
    assert [e.kind for e in tickets.history(filed.number)] == ["ticket.filed"]


def test_a_version_lower_than_the_history_is_raised_to_it(tickets):
    t = exported(1211, version=1)
    tickets.restore(t, history(t))
    assert tickets.get(1211).version == 3


def test_a_restored_ticket_takes_its_next_change(tickets):
    t = exported(1209)
    tickets.restore(t, history(t))
    t = tickets.get(1209)
    tickets.save(t, Change(event(t, at=T0 + minutes(30))))
    assert t.version == 5
    assert [e.kind for e in tickets.history(1209)][-2:] == ["ticket.commented"] * 2
    assert len(tickets.history(1209)) == 4


def test_a_long_history_is_restored_whole(tickets):
    t = exported(1210, version=150)
    events = history(t, 150)
    assert tickets.restore(t, events) is True
    assert tickets.history(1210) == events
    assert tickets.get(1210) == t
    assert tickets.open_counts(["priya"]) == {"priya": 1}
