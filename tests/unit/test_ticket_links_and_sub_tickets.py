"""Dependencies and sub-tickets: who may link and split, no cycle of any length, and what a
sub-ticket is born with."""

from __future__ import annotations

from datetime import date

import pytest

from services.domain import events as ev
from services.domain.errors import AlreadyDone, Forbidden, IllegalTransition, ValidationFailed
from services.domain.lifecycle import Status
from services.domain.ticket import WipChange
from tests.unit.ticket_builders import EARLIER, NOW, TESS, child_of, make_ticket, owned

# -- link, split and sub-tickets -------------------------------------------------------------


def test_a_triager_links_a_dependency_in_an_internal_note(staff):
    ticket, other = make_ticket(number=7), make_ticket(number=8)
    change = ticket.link(now=NOW, actor=staff["mira"], depends_on=other)
    assert ticket.depends_on == [8]
    assert other.depends_on == []
    assert (change.event.kind, change.event.public) == (ev.LINKED, False)
    assert change.event.data == {"depends_on": 8}
    assert ticket.status_since == EARLIER


def test_the_owner_may_link_and_a_plain_engineer_may_not(staff):
    owned(number=7).link(now=NOW, actor=staff["tomas"], depends_on=make_ticket(number=8))
    with pytest.raises(Forbidden):
        owned(number=7).link(now=NOW, actor=staff["jonas"], depends_on=make_ticket(number=8))


def test_a_ticket_cannot_depend_on_itself(staff):
    ticket = make_ticket(number=7)
    with pytest.raises(ValidationFailed) as e:
        ticket.link(now=NOW, actor=staff["mira"], depends_on=make_ticket(number=7))
    assert "depends_on" in e.value.errors


def test_linking_the_same_dependency_twice_is_already_done(staff):
    ticket = make_ticket(number=7, depends_on=[8])
    with pytest.raises(AlreadyDone):
        ticket.link(now=NOW, actor=staff["mira"], depends_on=make_ticket(number=8))
    assert ticket.depends_on == [8]


def test_two_tickets_cannot_wait_for_each_other(staff):
    first, second = make_ticket(number=7), make_ticket(number=8)
    second.link(now=NOW, actor=staff["mira"], depends_on=first)
    with pytest.raises(ValidationFailed):
        first.link(now=NOW, actor=staff["mira"], depends_on=second)
    assert first.depends_on == []


def test_a_sub_ticket_cannot_depend_on_its_parent(staff):
    # The parent already waits for its child (resolve requires every child finished); the
    # child waiting for the parent would leave neither resolvable.
    parent = make_ticket(number=7, children=[8])
    child = make_ticket(number=8, parent=7)
    with pytest.raises(ValidationFailed):
        child.link(now=NOW, actor=staff["mira"], depends_on=parent)
    assert child.depends_on == []


def test_a_finished_ticket_takes_no_new_dependencies(staff):
    with pytest.raises(IllegalTransition):
        make_ticket(status=Status.CLOSED).link(
            now=NOW, actor=staff["mira"], depends_on=make_ticket(number=8)
        )


def test_splitting_appends_the_children_publicly(staff):
    ticket = owned(children=[8])
    change = ticket.split(now=NOW, actor=staff["tomas"], children=[9, 10])
    assert ticket.children == [8, 9, 10]
    assert (ticket.status, ticket.status_since) == (Status.IN_PROGRESS, EARLIER)
    assert (change.event.kind, change.event.public) == (ev.SPLIT, True)
    assert change.event.data == {"children": [9, 10]}


def test_a_triager_may_split_and_a_plain_engineer_may_not(staff):
    make_ticket().split(now=NOW, actor=staff["mira"], children=[9])
    with pytest.raises(Forbidden):
        owned(owner="tomas").split(now=NOW, actor=staff["jonas"], children=[9])


def test_a_postponed_ticket_cannot_be_split(staff):
    with pytest.raises(IllegalTransition):
        owned(status=Status.POSTPONED).split(now=NOW, actor=staff["tomas"], children=[9])


def test_an_unowned_sub_ticket_is_born_triaged_like_its_parent(staff):
    parent = owned(number=7, private=True, drop_dead_date=date(2026, 12, 24))
    child, change = child_of(parent, staff)
    assert (child.number, child.parent, child.status, child.owner) == (
        9,
        7,
        Status.TRIAGED,
        None,
    )
    assert (child.type, child.requester, child.private) == ("general", parent.requester, True)
    assert child.drop_dead_date == date(2026, 12, 24)
    assert (child.title, child.acceptance_criteria) == ("Order the disks", ["Disks delivered"])
    assert (child.created_at, child.status_since) == (NOW, NOW)
    assert change.wip == ()
    assert (change.event.ticket, change.event.kind, change.event.actor) == (
        9,
        ev.TICKET_FILED,
        "staff:mira",
    )
    assert change.event.data == {"source": "split", "type": "general", "parent": 7}
    assert parent.children == []  # the split itself records the children


def test_a_sub_ticket_with_an_owner_is_born_assigned_within_their_limit(flow, staff):
    child, change = child_of(owned(number=7), staff, owner=flow.member("jonas"))
    assert (child.status, child.owner) == (Status.ASSIGNED, "jonas")
    assert change.wip == (WipChange("jonas", +1, 5),)
    assert change.event.data["owner"] == "jonas"


def test_only_an_engineer_can_own_a_sub_ticket(staff):
    # As with assign and escalate: an owner is an engineer, whose WIP the limits count.
    with pytest.raises(ValidationFailed) as e:
        child_of(owned(number=7), staff, owner=TESS)
    assert "owner" in e.value.errors


def test_a_link_that_closes_a_longer_cycle_is_refused(staff):
    # 7 would wait for 9, which waits for 8, which waits for 7.
    seven, nine = make_ticket(number=7), make_ticket(number=9, depends_on=[8])
    with pytest.raises(ValidationFailed, match="cycle"):
        seven.link(now=NOW, actor=staff["mira"], depends_on=nine, transitively={8, 7})
    assert seven.depends_on == []


def test_a_sub_ticket_has_its_timers_planned_at_once(staff):
    parent = make_ticket(status=Status.ASSIGNED, owner="jonas")
    child, _ = parent.child(
        number=20,
        now=NOW,
        actor=staff["jonas"],
        title="Part",
        requirements="Half of it",
        acceptance_criteria=[],
        owner=None,
        token_salt="s",
        token_digest="d",
    )
    assert child.timers == {"review": NOW}


def test_a_forbidden_split_is_refused_before_any_number_is_taken(staff):
    ticket = make_ticket(status=Status.ASSIGNED, owner="jonas")
    with pytest.raises(Forbidden):
        ticket.authorize_split(staff["tomas"], 2)
