"""Ending a Ticket and starting it again: reject, resolve, reopen and close; who may, from
which state, and what each does to the owner and the WIP."""

from __future__ import annotations

import pytest

from services.domain import events as ev
from services.domain.errors import Forbidden, IllegalTransition, NotDone, ValidationFailed
from services.domain.lifecycle import Status
from services.domain.ticket import WipChange
from tests.unit.ticket_builders import ANA, BOB, CRITERIA, NOW, TODAY, make_ticket, owned

# -- reject ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mira", "priya", "ada", "tess"])
def test_triagers_bugmeisters_and_admins_reject_an_unowned_ticket(staff, who):
    ticket = make_ticket(status=Status.NEEDS_INFO)
    change = ticket.reject(now=NOW, actor=staff[who], reason="duplicate of #3")
    assert ticket.status is Status.REJECTED
    assert change.wip == ()
    assert (change.event.kind, change.event.public) == (ev.REJECTED, True)
    assert change.event.data == {
        "reason": "duplicate of #3",
        "from": "needs-info",
        "to": "rejected",
    }


def test_the_owner_rejects_and_stays_on_record_while_their_wip_drops(staff):
    ticket = owned(status=Status.ASSIGNED, owner="jonas")
    change = ticket.reject(now=NOW, actor=staff["jonas"], reason="won't do")
    assert (ticket.status, ticket.owner) == (Status.REJECTED, "jonas")
    assert change.wip == (WipChange("jonas", -1),)


def test_neither_a_plain_engineer_nor_a_requester_may_reject_a_ticket(staff):
    with pytest.raises(Forbidden):
        owned(owner="jonas").reject(now=NOW, actor=staff["tomas"], reason="no")
    with pytest.raises(Forbidden):
        make_ticket().reject(now=NOW, actor=ANA, reason="never mind")


def test_a_finished_ticket_cannot_be_rejected(staff):
    with pytest.raises(IllegalTransition):
        make_ticket(status=Status.CLOSED).reject(now=NOW, actor=staff["mira"], reason="no")


# -- resolve ---------------------------------------------------------------------------------


def test_the_owner_resolves_with_every_criterion_checked(staff):
    ticket = owned(acceptance_criteria=list(CRITERIA), children=[12, 13], depends_on=[13, 20])
    change = ticket.resolve(
        now=NOW, actor=staff["tomas"], checked=[2, 0, 1], summary="Replica live", unfinished=[]
    )
    assert (ticket.status, ticket.owner, ticket.status_since) == (Status.RESOLVED, "tomas", NOW)
    assert change.wip == (WipChange("tomas", -1),)
    assert change.require_finished == (12, 13, 20)
    assert (change.event.kind, change.event.public) == (ev.RESOLVED, True)
    assert change.event.data == {
        "summary": "Replica live",
        "criteria": CRITERIA,
        "from": "in-progress",
        "to": "resolved",
    }


def test_a_ticket_without_criteria_or_sub_tickets_resolves_without_checks(staff):
    ticket = owned(status=Status.ASSIGNED)
    change = ticket.resolve(now=NOW, actor=staff["tomas"], checked=[], summary="", unfinished=[])
    assert ticket.status is Status.RESOLVED
    assert change.require_finished == ()


def test_resolving_refuses_unchecked_criteria_and_lists_them(staff):
    ticket = owned(acceptance_criteria=list(CRITERIA))
    with pytest.raises(ValidationFailed) as e:
        ticket.resolve(now=NOW, actor=staff["tomas"], checked=[0], summary="", unfinished=[])
    message = e.value.errors["checked"]
    assert "2. Analysts can log in" in message
    assert "3. Dashboards exist" in message
    assert CRITERIA[0] not in message
    assert ticket.status is Status.IN_PROGRESS


def test_resolving_refuses_while_sub_tickets_or_dependencies_are_open(staff):
    ticket = owned(children=[12], depends_on=[20])
    with pytest.raises(NotDone) as e:
        ticket.resolve(now=NOW, actor=staff["tomas"], checked=[], summary="", unfinished=[12, 20])
    assert "#12" in str(e.value) and "#20" in str(e.value)
    assert ticket.status is Status.IN_PROGRESS


@pytest.mark.parametrize("who", ["jonas", "mira", "ada"])
def test_only_the_owner_resolves(staff, who):
    with pytest.raises(Forbidden):
        owned().resolve(now=NOW, actor=staff[who], checked=[], summary="", unfinished=[])


def test_a_postponed_ticket_cannot_be_resolved(staff):
    with pytest.raises(IllegalTransition):
        owned(status=Status.POSTPONED).resolve(
            now=NOW, actor=staff["tomas"], checked=[], summary="", unfinished=[]
        )


# -- reopen and close ------------------------------------------------------------------------


def test_the_requester_reopens_a_resolved_ticket_and_it_loses_its_owner():
    ticket = owned(status=Status.RESOLVED, eta=TODAY)
    change = ticket.reopen(now=NOW, actor=ANA, reason="the replica is gone again")
    assert (ticket.status, ticket.owner, ticket.eta) == (Status.TRIAGED, None, None)
    assert change.wip == ()  # released when it was resolved
    assert (change.event.kind, change.event.public, change.event.actor) == (
        ev.REOPENED,
        True,
        "requester:ana@example.org",
    )
    assert change.event.data == {
        "reason": "the replica is gone again",
        "previous_owner": "tomas",  # told that it went to triage
        "from": "resolved",
        "to": "triaged",
    }


def test_a_reopened_ticket_goes_back_to_its_last_owner_when_the_caller_found_room(flow):
    ticket = owned(status=Status.RESOLVED, eta=TODAY)
    tomas = flow.member("tomas")
    change = ticket.reopen(now=NOW, actor=ANA, reason="gone again", back_to=tomas)
    assert (ticket.status, ticket.owner, ticket.eta) == (Status.ASSIGNED, "tomas", None)
    assert change.wip == (WipChange("tomas", +1, tomas.wip_limit),)  # the limit is the condition
    assert change.event.data["owner"] == "tomas"


def test_a_ticket_waiting_for_an_answer_reopens_waiting_even_with_its_owner_found(flow):
    ticket = owned(status=Status.CLOSED, missing=["end_state"])
    ticket.reopen(now=NOW, actor=ANA, reason="here it is", back_to=flow.member("tomas"))
    assert (ticket.status, ticket.owner) == (Status.NEEDS_INFO, None)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REJECTED])
def test_any_staff_member_may_reopen_a_finished_ticket(staff, status):
    ticket = make_ticket(status=status)
    ticket.reopen(now=NOW, actor=staff["jonas"], reason="not fixed")
    assert ticket.status is Status.TRIAGED


def test_another_requester_may_not_reopen_a_ticket():
    ticket = owned(status=Status.RESOLVED)
    with pytest.raises(Forbidden):
        ticket.reopen(now=NOW, actor=BOB, reason="me too")
    assert ticket.status is Status.RESOLVED


def test_an_open_ticket_cannot_be_reopened():
    with pytest.raises(IllegalTransition):
        owned().reopen(now=NOW, actor=ANA, reason="?")


@pytest.mark.parametrize("who", ["mira", "priya", "ada", "tomas"])  # tomas: the owner
def test_triagers_bugmeisters_admins_and_the_owner_close_a_resolved_ticket(staff, who):
    ticket = owned(status=Status.RESOLVED, owner="tomas")
    change = ticket.close(now=NOW, actor=staff[who])
    assert ticket.status is Status.CLOSED
    assert (change.event.kind, change.event.public) == (ev.CLOSED, True)
    assert change.event.data == {"from": "resolved", "to": "closed"}


def test_a_ticket_waiting_for_info_may_be_closed(staff):
    ticket = make_ticket(status=Status.NEEDS_INFO)
    ticket.close(now=NOW, actor=staff["mira"])
    assert ticket.status is Status.CLOSED


def test_a_plain_engineer_may_not_close_someone_elses_ticket(staff):
    with pytest.raises(Forbidden):
        owned(status=Status.RESOLVED, owner="tomas").close(now=NOW, actor=staff["jonas"])


def test_work_in_progress_cannot_be_closed(staff):
    with pytest.raises(IllegalTransition):
        owned().close(now=NOW, actor=staff["tomas"])
