"""A Ticket asked for what is missing, completed by its requester, and triaged:
who may, from which state, and the one event each writes."""

from __future__ import annotations

import pytest

from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.errors import Forbidden, IllegalTransition
from services.domain.lifecycle import Status
from services.domain.ticket import WipChange
from services.domain.triage_rules import Complexity
from tests.unit.ticket_builders import ANA, BOB, NOW, make_ticket, owned

# -- request info, add info, triage ---------------------------------------------


def test_requesting_info_lists_what_is_missing_publicly():
    ticket = make_ticket(status=Status.NEW)
    change = ticket.request_info(now=NOW, missing=["end_state"], actor=Actor.system("triage"))
    assert ticket.status is Status.NEEDS_INFO
    assert ticket.missing == ["end_state"]
    assert ticket.status_since == NOW
    assert (change.event.kind, change.event.public, change.event.actor) == (
        ev.INFO_REQUESTED,
        True,
        "system:triage",
    )
    assert change.event.data == {"missing": ["end_state"], "from": "new", "to": "needs-info"}


def test_info_cannot_be_requested_on_an_owned_ticket():
    with pytest.raises(IllegalTransition):
        owned().request_info(now=NOW, missing=["end_state"], actor=Actor.system("triage"))


def test_the_requester_adds_info_and_the_ticket_goes_back_to_new():
    ticket = make_ticket(status=Status.NEEDS_INFO, missing=["end_state", "security_needs"])
    change = ticket.add_info(
        now=NOW, actor=ANA, values={"security_needs": "Read-only", "end_state": "Done right"}
    )
    assert ticket.status is Status.NEW
    assert (ticket.end_state, ticket.security_needs, ticket.missing) == (
        "Done right",
        "Read-only",
        [],
    )
    assert change.event.kind == ev.INFO_ADDED
    assert change.event.actor == "requester:ana@example.org"
    assert change.event.data == {
        "fields": ["end_state", "security_needs"],
        "from": "needs-info",
        "to": "new",
    }


def test_staff_may_add_info_but_another_requester_may_not(staff):
    make_ticket(status=Status.NEEDS_INFO).add_info(
        now=NOW, actor=staff["tomas"], values={"end_state": "Done right"}
    )
    ticket = make_ticket(status=Status.NEEDS_INFO)
    with pytest.raises(Forbidden):
        ticket.add_info(now=NOW, actor=BOB, values={"end_state": "Hijacked"})
    assert (ticket.status, ticket.end_state) == (Status.NEEDS_INFO, "")


def test_info_can_only_be_added_while_it_is_asked_for():
    with pytest.raises(IllegalTransition):
        make_ticket(status=Status.TRIAGED).add_info(now=NOW, actor=ANA, values={})


def test_triage_without_an_owner_stores_the_assessment_and_leaves_the_ticket_unowned():
    ticket = make_ticket(status=Status.NEW, missing=["end_state"])
    complexity = Complexity("medium", 3, ("1 dependency (+1)", "security or access needs (+2)"))
    change = ticket.triage(
        now=NOW,
        actor=Actor.system("triage"),
        complexity=complexity,
        skills=["network"],
        owner=None,
        routing="Mira Okafor, Ada Brennan fit equally well: for the staff meeting",
    )
    assert (ticket.status, ticket.owner, ticket.complexity) == (Status.TRIAGED, None, complexity)
    assert (ticket.skills, ticket.missing) == (["network"], [])
    assert change.wip == ()
    assert change.event.kind == ev.TRIAGED
    assert change.event.data == {
        "complexity": "medium",
        "reasons": ["1 dependency (+1)", "security or access needs (+2)"],
        "skills": ["network"],
        "routing": "Mira Okafor, Ada Brennan fit equally well: for the staff meeting",
        "from": "new",
        "to": "triaged",
    }


def test_triage_with_an_obvious_owner_assigns_them_within_their_limit(flow):
    ticket = make_ticket(status=Status.NEW)
    change = ticket.triage(
        now=NOW,
        actor=Actor.system("triage"),
        complexity=Complexity("small", 0, ()),
        skills=["mysql"],
        owner=flow.member("priya"),
        routing="Priya Raman covers mysql",
    )
    assert (ticket.status, ticket.owner) == (Status.ASSIGNED, "priya")
    assert change.wip == (WipChange("priya", +1, 3),)
    assert change.event.data["owner"] == "priya"
    assert (change.event.data["from"], change.event.data["to"]) == ("new", "assigned")


def test_a_ticket_is_triaged_only_once():
    with pytest.raises(IllegalTransition):
        make_ticket(status=Status.TRIAGED).triage(
            now=NOW,
            actor=Actor.system("triage"),
            complexity=Complexity("small", 0, ()),
            skills=[],
            owner=None,
            routing="",
        )
