"""Taking and assigning a Ticket: who may, from which state, within whose WIP limit, and how
the WIP counters move."""

from __future__ import annotations

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.domain import events as ev
from services.domain.errors import (
    AlreadyDone,
    Conflict,
    Forbidden,
    IllegalTransition,
    ValidationFailed,
    WipLimitReached,
)
from services.domain.lifecycle import Status
from services.domain.ticket import WipChange
from tests.conftest import valid_ticket
from tests.fakes import FakeTicketRepository
from tests.unit.ticket_builders import ANA, EARLIER, NOW, TESS, escalated, make_ticket, owned

# -- take ------------------------------------------------------------------------------------


def test_an_engineer_takes_an_unowned_ticket_within_their_limit(staff):
    ticket = make_ticket(status=Status.TRIAGED)
    change = ticket.take(now=NOW, actor=staff["tomas"])
    assert (ticket.status, ticket.owner, ticket.status_since) == (Status.ASSIGNED, "tomas", NOW)
    assert change.wip == (WipChange("tomas", +1, 4),)
    assert (change.event.kind, change.event.public, change.event.actor) == (
        ev.ASSIGNED,
        True,
        "staff:tomas",
    )
    assert change.event.data == {
        "owner": "tomas",
        "how": "taken",
        "from": "triaged",
        "to": "assigned",
    }


def test_an_untriaged_ticket_may_be_taken_too(staff):
    ticket = make_ticket(status=Status.NEW)
    ticket.take(now=NOW, actor=staff["jonas"])
    assert (ticket.status, ticket.owner) == (Status.ASSIGNED, "jonas")


def test_an_admin_may_take_a_ticket_like_an_engineer(staff):
    change = make_ticket().take(now=NOW, actor=staff["root"])
    assert change.wip == (WipChange("root", +1, 1),)


@pytest.mark.parametrize("who", ["tess", "requester"])
def test_only_engineers_may_take_a_ticket(staff, who):
    actor = ANA if who == "requester" else staff[who]
    ticket = make_ticket()
    with pytest.raises(Forbidden):
        ticket.take(now=NOW, actor=actor)
    assert (ticket.status, ticket.owner) == (Status.TRIAGED, None)


@pytest.mark.parametrize(
    ("status", "owner"),
    [(Status.NEEDS_INFO, None), (Status.RESOLVED, "jonas")],
)
def test_a_ticket_that_is_not_new_or_triaged_cannot_be_taken(staff, status, owner):
    ticket = make_ticket(status=status, owner=owner)
    with pytest.raises(IllegalTransition):
        ticket.take(now=NOW, actor=staff["tomas"])
    assert (ticket.status, ticket.owner) == (status, owner)


def test_the_loser_of_a_take_race_is_told_who_owns_the_ticket(staff):
    ticket = make_ticket(status=Status.ASSIGNED, owner="jonas")
    with pytest.raises(Conflict, match="already owned by jonas"):
        ticket.take(now=NOW, actor=staff["tomas"])
    assert (ticket.status, ticket.owner) == (Status.ASSIGNED, "jonas")


def test_an_owned_ticket_cannot_be_taken_from_its_owner(staff):
    ticket = make_ticket(status=Status.TRIAGED, owner="jonas")
    with pytest.raises(Conflict):
        ticket.take(now=NOW, actor=staff["tomas"])
    assert ticket.owner == "jonas"


def test_an_engineer_at_their_limit_cannot_take_one_more(flow, clock, staff):
    tickets = FakeTicketRepository()
    filed = file_ticket(valid_ticket(), TicketDeps(tickets, flow, clock, "x" * 48), source="api")
    tickets.wip["ada"] = 2  # ada's limit
    ticket = tickets.get(filed.ticket.number)
    change = ticket.take(now=clock.now(), actor=staff["ada"])
    with pytest.raises(WipLimitReached):
        tickets.save(ticket, change)
    assert tickets.get(filed.ticket.number).owner is None
    assert tickets.wip == {"ada": 2}


# -- assign ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mira", "priya", "ada", "tess"])  # triager, bugmeister, admin
def test_triagers_bugmeisters_and_admins_assign_within_the_limit(flow, staff, who):
    ticket = make_ticket()
    change = ticket.assign(now=NOW, actor=staff[who], to=flow.member("priya"))
    assert (ticket.status, ticket.owner) == (Status.ASSIGNED, "priya")
    assert change.wip == (WipChange("priya", +1, 3),)
    assert change.event.kind == ev.ASSIGNED
    assert change.event.data == {
        "owner": "priya",
        "how": "assigned",
        "previous_owner": None,
        "from": "triaged",
        "to": "assigned",
    }


@pytest.mark.parametrize("who", ["tomas", "jonas"])
def test_a_plain_engineer_may_not_assign(flow, staff, who):
    ticket = make_ticket()
    with pytest.raises(Forbidden):
        ticket.assign(now=NOW, actor=staff[who], to=flow.member("priya"))
    assert ticket.owner is None


def test_an_override_reason_assigns_over_the_limit_and_is_recorded(flow, staff):
    ticket = make_ticket()
    change = ticket.assign(
        now=NOW, actor=staff["mira"], to=flow.member("priya"), override_reason="outage, DBA only"
    )
    assert change.wip == (WipChange("priya", +1, None),)
    assert change.event.data["override_reason"] == "outage, DBA only"


def test_a_blank_override_reason_does_not_lift_the_limit(flow, staff):
    ticket = make_ticket()
    change = ticket.assign(
        now=NOW, actor=staff["mira"], to=flow.member("priya"), override_reason="  "
    )
    assert change.wip == (WipChange("priya", +1, 3),)


def test_reassigning_moves_the_wip_from_the_previous_owner(flow, staff):
    ticket = owned(status=Status.ASSIGNED, owner="tomas")
    change = ticket.assign(now=NOW, actor=staff["mira"], to=flow.member("priya"))
    assert ticket.owner == "priya"
    assert change.wip == (WipChange("tomas", -1), WipChange("priya", +1, 3))
    assert change.event.data == {"owner": "priya", "how": "assigned", "previous_owner": "tomas"}
    # assigned -> assigned: not a change of status
    assert (ticket.status, ticket.status_since) == (Status.ASSIGNED, EARLIER)


def test_reassigning_work_in_progress_puts_it_back_to_assigned(flow, staff):
    ticket = owned(status=Status.IN_PROGRESS, owner="tomas")
    change = ticket.assign(now=NOW, actor=staff["priya"], to=flow.member("jonas"))
    assert (ticket.status, ticket.status_since) == (Status.ASSIGNED, NOW)
    assert (change.event.data["from"], change.event.data["to"]) == ("in-progress", "assigned")


def test_reassigning_drops_a_pending_escalation(flow, staff):
    ticket = escalated(flow, staff, to="priya")
    ticket.assign(now=NOW, actor=staff["mira"], to=flow.member("jonas"))
    assert ticket.escalation is None


def test_only_an_engineer_can_be_assigned(staff):
    with pytest.raises(ValidationFailed) as e:
        make_ticket().assign(now=NOW, actor=staff["mira"], to=TESS)
    assert "owner" in e.value.errors


def test_assigning_the_current_owner_again_is_already_done(flow, staff):
    with pytest.raises(AlreadyDone):
        owned(owner="tomas").assign(now=NOW, actor=staff["mira"], to=flow.member("tomas"))


@pytest.mark.parametrize("status", [Status.NEEDS_INFO, Status.POSTPONED, Status.RESOLVED])
def test_assigning_needs_a_ticket_that_is_open_and_not_waiting(flow, staff, status):
    with pytest.raises(IllegalTransition):
        make_ticket(status=status).assign(now=NOW, actor=staff["mira"], to=flow.member("tomas"))
