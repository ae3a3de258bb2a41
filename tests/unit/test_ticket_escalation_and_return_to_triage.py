"""Escalating a Ticket to another engineer, who accepts or declines, and returning it to
triage: who may, and where the owner and the WIP go."""

from __future__ import annotations

import pytest

from services.domain import events as ev
from services.domain.errors import Conflict, Forbidden, IllegalTransition, ValidationFailed
from services.domain.lifecycle import Status
from services.domain.ticket import WipChange
from tests.unit.ticket_builders import NOW, TESS, escalated, owned

# -- escalation ------------------------------------------------------------------------------


def test_the_owner_escalates_to_a_named_engineer_in_an_internal_note(flow, staff):
    ticket = owned()
    change = ticket.escalate(
        now=NOW, actor=staff["tomas"], to=flow.member("priya"), reason="needs a DBA"
    )
    assert (ticket.escalation.to, ticket.escalation.by, ticket.escalation.at) == (
        "priya",
        "tomas",
        NOW,
    )
    assert (ticket.owner, ticket.status) == ("tomas", Status.IN_PROGRESS)
    assert (change.event.kind, change.event.public, change.wip) == (ev.ESCALATED, False, ())
    assert change.event.data == {"to": "priya", "reason": "needs a DBA"}


def test_escalating_to_oneself_or_a_non_engineer_is_refused(flow, staff):
    for to in (flow.member("tomas"), TESS):
        with pytest.raises(ValidationFailed) as e:
            owned().escalate(now=NOW, actor=staff["tomas"], to=to, reason="help")
        assert "to" in e.value.errors


def test_a_ticket_is_escalated_to_one_engineer_at_a_time(flow, staff):
    ticket = escalated(flow, staff, to="priya")
    with pytest.raises(Conflict):
        ticket.escalate(now=NOW, actor=staff["tomas"], to=flow.member("jonas"), reason="or you")
    assert ticket.escalation.to == "priya"


def test_only_the_owner_escalates(flow, staff):
    with pytest.raises(Forbidden):
        owned().escalate(now=NOW, actor=staff["mira"], to=flow.member("priya"), reason="help")


def test_an_unowned_ticket_cannot_be_escalated(flow, staff):
    with pytest.raises(IllegalTransition):
        owned(status=Status.POSTPONED).escalate(
            now=NOW, actor=staff["tomas"], to=flow.member("priya"), reason="help"
        )


def test_the_named_engineer_accepts_and_becomes_the_owner(flow, staff):
    ticket = escalated(flow, staff, to="priya")
    change = ticket.accept_escalation(now=NOW, actor=staff["priya"])
    assert (ticket.owner, ticket.escalation) == ("priya", None)
    assert (ticket.status, ticket.status_since) == (Status.ASSIGNED, NOW)
    assert change.wip == (WipChange("tomas", -1), WipChange("priya", +1, 3))
    assert (change.event.kind, change.event.public) == (ev.ESCALATION_ACCEPTED, False)
    assert change.event.data == {
        "owner": "priya",
        "previous_owner": "tomas",
        "from": "in-progress",
        "to": "assigned",
    }


@pytest.mark.parametrize("who", ["tomas", "jonas", "mira", "ada"])
def test_nobody_but_the_named_engineer_accepts_or_declines(flow, staff, who):
    ticket = escalated(flow, staff, to="priya")
    with pytest.raises(Forbidden):
        ticket.accept_escalation(now=NOW, actor=staff[who])
    with pytest.raises(Forbidden):
        ticket.decline_escalation(now=NOW, actor=staff[who], reason="no")
    assert (ticket.owner, ticket.escalation.to) == ("tomas", "priya")


def test_there_is_nothing_to_accept_or_decline_without_an_escalation(staff):
    with pytest.raises(Conflict):
        owned().accept_escalation(now=NOW, actor=staff["priya"])
    with pytest.raises(Conflict):
        owned().decline_escalation(now=NOW, actor=staff["priya"], reason="no")


def test_declining_keeps_the_owner_and_clears_the_escalation(flow, staff):
    ticket = escalated(flow, staff, to="priya")
    change = ticket.decline_escalation(now=NOW, actor=staff["priya"], reason="not a DB problem")
    assert (ticket.owner, ticket.escalation, ticket.status) == (
        "tomas",
        None,
        Status.IN_PROGRESS,
    )
    assert (change.event.kind, change.event.public, change.wip) == (
        ev.ESCALATION_DECLINED,
        False,
        (),
    )
    assert change.event.data == {"reason": "not a DB problem", "escalated_by": "tomas"}
    # and the owner may escalate again, to someone else
    ticket.escalate(now=NOW, actor=staff["tomas"], to=flow.member("jonas"), reason="then you?")


def test_the_owner_returns_a_ticket_to_triage_and_gives_up_its_wip(flow, staff):
    ticket = escalated(flow, staff, to="priya")
    change = ticket.return_to_triage(now=NOW, actor=staff["tomas"], reason="not mine")
    assert (ticket.status, ticket.owner, ticket.escalation) == (Status.TRIAGED, None, None)
    assert change.wip == (WipChange("tomas", -1),)
    assert (change.event.kind, change.event.public) == (ev.RETURNED_TO_TRIAGE, False)
    assert change.event.data == {
        "reason": "not mine",
        "previous_owner": "tomas",
        "from": "in-progress",
        "to": "triaged",
    }


def test_a_postponed_ticket_may_be_returned_to_triage(staff):
    ticket = owned(status=Status.POSTPONED)
    ticket.return_to_triage(now=NOW, actor=staff["tomas"], reason="vendor gone")
    assert ticket.status is Status.TRIAGED


def test_only_the_owner_returns_a_ticket_to_triage(staff):
    with pytest.raises(Forbidden):
        owned().return_to_triage(now=NOW, actor=staff["mira"], reason="not yours")


def test_a_finished_ticket_is_not_returned_to_triage(staff):
    with pytest.raises(IllegalTransition):
        owned(status=Status.RESOLVED).return_to_triage(now=NOW, actor=staff["tomas"], reason="oops")
