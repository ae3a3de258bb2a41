"""Every action on a Ticket: who may do it, from which state, and what it changes: the status,
the owner, the one event it writes, and the WIP counters it moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.drafts import Requester
from services.domain.errors import (
    AlreadyDone,
    Conflict,
    Forbidden,
    IllegalTransition,
    NotDone,
    ValidationFailed,
    WipLimitReached,
)
from services.domain.flow import Member
from services.domain.lifecycle import Status
from services.domain.ticket import Ticket, WipChange
from services.domain.triage_rules import Complexity
from tests.conftest import valid_ticket
from tests.fakes import FakeTicketRepository, FixedClock

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
EARLIER = NOW - timedelta(days=2)
TODAY = NOW.date()
ANA = Actor.requester("Ana@Example.org")  # the requester, however she spells her address
BOB = Actor.requester("bob@example.org")
# A triager who is not an engineer (the example team has none), and an admin who is nothing else.
TESS = Member(id="tess", name="Tess Nakamura", email="tess@example.org", roles=("triager",))
ROOT = Member(id="root", name="Root", email="root@example.org", roles=("admin",), wip_limit=1)
CRITERIA = ["The replica lags less than 60 s", "Analysts can log in", "Dashboards exist"]


def make_ticket(status=Status.TRIAGED, owner=None, number=7, **fields) -> Ticket:
    return Ticket(
        number=number,
        type="general",
        title="Grant the analytics team a read replica",
        requirements="A MySQL read replica of the wiki database for analytics queries.",
        requester=Requester(name="Ana Souza", email="ana@example.org"),
        created_at=EARLIER,
        updated_at=EARLIER,
        status_since=EARLIER,
        token_salt="salt",
        token_digest="digest",
        status=status,
        owner=owner,
        **fields,
    )


def owned(status=Status.IN_PROGRESS, owner="tomas", **fields) -> Ticket:
    return make_ticket(status=status, owner=owner, **fields)


@pytest.fixture
def staff(flow):
    """The example team as actors, plus Tess (triager only) and Root (admin only)."""
    actors = {m.id: Actor.staff(m) for m in flow.team.members}
    return actors | {"tess": Actor.staff(TESS), "root": Actor.staff(ROOT)}


def escalated(flow, staff, to="priya", status=Status.IN_PROGRESS) -> Ticket:
    ticket = owned(status=status)
    ticket.escalate(now=EARLIER, actor=staff["tomas"], to=flow.member(to), reason="needs a DBA")
    return ticket


# -- acknowledge, request info, add info, triage ---------------------------------------------


def test_a_ticket_is_acknowledged_once_without_changing_its_status():
    ticket = make_ticket(status=Status.NEW)
    change = ticket.acknowledge(now=NOW, recipients=["ana@example.org", "techops@example.org"])
    assert (change.event.kind, change.event.public) == (ev.TICKET_ACKNOWLEDGED, True)
    assert change.event.data == {"recipients": ["ana@example.org", "techops@example.org"]}
    assert (ticket.status, ticket.status_since, ticket.acknowledged_at) == (
        Status.NEW,
        EARLIER,
        NOW,
    )
    with pytest.raises(AlreadyDone):
        ticket.acknowledge(now=NOW, recipients=["ana@example.org"])


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


# -- start and update ------------------------------------------------------------------------


def test_the_owner_starts_work(staff):
    ticket = owned(status=Status.ASSIGNED)
    change = ticket.start(now=NOW, actor=staff["tomas"])
    assert (ticket.status, ticket.status_since) == (Status.IN_PROGRESS, NOW)
    assert (change.event.kind, change.event.public, change.wip) == (ev.STARTED, True, ())
    assert change.event.data == {"from": "assigned", "to": "in-progress"}


@pytest.mark.parametrize("who", ["jonas", "mira", "priya", "ada"])
def test_nobody_but_the_owner_starts_work_not_even_an_admin(staff, who):
    ticket = owned(status=Status.ASSIGNED)
    with pytest.raises(Forbidden):
        ticket.start(now=NOW, actor=staff[who])
    assert ticket.status is Status.ASSIGNED


def test_work_in_progress_cannot_be_started_again(staff):
    with pytest.raises(IllegalTransition):
        owned(status=Status.IN_PROGRESS).start(now=NOW, actor=staff["tomas"])


def test_an_update_with_an_eta_sets_it_and_keeps_the_status(staff):
    ticket = owned()
    eta = TODAY + timedelta(days=3)
    change = ticket.update(
        now=NOW, actor=staff["tomas"], message="Disks ordered", eta=eta, reason="", public=True
    )
    assert ticket.eta == eta
    assert (ticket.status, ticket.status_since, ticket.updated_at) == (
        Status.IN_PROGRESS,
        EARLIER,
        NOW,
    )
    assert (change.event.kind, change.event.public) == (ev.UPDATED, True)
    assert change.event.data == {"message": "Disks ordered", "eta": eta.isoformat(), "reason": ""}


def test_an_internal_update_with_a_reason_needs_no_eta(staff):
    ticket = owned(eta=TODAY + timedelta(days=9))
    change = ticket.update(
        now=NOW,
        actor=staff["tomas"],
        message="",
        eta=None,
        reason="waiting for the vendor",
        public=False,
    )
    assert change.event.public is False
    assert change.event.data["reason"] == "waiting for the vendor"
    assert ticket.eta == TODAY + timedelta(days=9)  # a reason does not erase the ETA


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_update_without_an_eta_or_a_reason_is_refused(staff, reason):
    with pytest.raises(ValidationFailed) as e:
        owned().update(
            now=NOW, actor=staff["tomas"], message="Working", eta=None, reason=reason, public=True
        )
    assert set(e.value.errors) == {"eta", "reason"}


def test_an_eta_in_the_past_is_refused_and_today_is_fine(staff):
    ticket = owned()
    with pytest.raises(ValidationFailed) as e:
        ticket.update(
            now=NOW,
            actor=staff["tomas"],
            message="",
            eta=TODAY - timedelta(days=1),
            reason="",
            public=True,
        )
    assert set(e.value.errors) == {"eta"}
    assert ticket.eta is None
    ticket.update(now=NOW, actor=staff["tomas"], message="", eta=TODAY, reason="", public=True)
    assert ticket.eta == TODAY


def test_only_the_owner_updates(staff):
    with pytest.raises(Forbidden):
        owned().update(now=NOW, actor=staff["mira"], message="", eta=TODAY, reason="", public=True)


def test_a_resolved_ticket_takes_no_updates(staff):
    with pytest.raises(IllegalTransition):
        owned(status=Status.RESOLVED).update(
            now=NOW, actor=staff["tomas"], message="", eta=TODAY, reason="", public=True
        )


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
        "from": "resolved",
        "to": "triaged",
    }


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


def child_of(parent, staff, owner=None):
    return parent.child(
        number=9,
        now=NOW,
        actor=staff["mira"],
        title="Order the disks",
        requirements="Twelve 4 TB disks for the replica host.",
        acceptance_criteria=["Disks delivered"],
        owner=owner,
        token_salt="child-salt",
        token_digest="child-digest",
    )


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


# -- time in state ---------------------------------------------------------------------------


def test_status_since_moves_only_when_the_status_changes(flow, staff):
    ticket = make_ticket(status=Status.TRIAGED)
    ticket.take(now=NOW, actor=staff["tomas"])
    assert ticket.status_since == NOW
    later = NOW + timedelta(hours=3)
    ticket.update(now=later, actor=staff["tomas"], message="", eta=TODAY, reason="", public=True)
    ticket.escalate(now=later, actor=staff["tomas"], to=flow.member("priya"), reason="help")
    ticket.decline_escalation(now=later, actor=staff["priya"], reason="no")
    assert (ticket.status_since, ticket.updated_at) == (NOW, later)
    ticket.start(now=later, actor=staff["tomas"])
    assert ticket.status_since == later


def test_a_filed_ticket_starts_its_clock_when_it_is_filed(flow, staff):
    tickets, clock = FakeTicketRepository(), FixedClock(EARLIER)
    filed = file_ticket(valid_ticket(), TicketDeps(tickets, flow, clock, "x" * 48), source="api")
    ticket = tickets.get(filed.ticket.number)
    assert (ticket.status, ticket.status_since) == (Status.NEW, EARLIER)
    ticket.take(now=NOW, actor=staff["priya"])
    assert ticket.status_since == NOW


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


def test_the_requester_writing_to_a_postponed_ticket_wakes_it(staff):
    ticket = make_ticket(status=Status.IN_PROGRESS, owner="jonas")
    ticket.postpone(
        now=NOW, actor=staff["jonas"], until=NOW + timedelta(days=3), reason="vendor", public=True
    )
    change = ticket.reply(now=NOW, actor=ANA, message="The vendor answered.")
    assert ticket.status is Status.IN_PROGRESS
    assert "wake" not in ticket.timers
    assert (change.event.kind, change.event.public, change.event.data["woke"]) == (
        "ticket.replied",
        True,
        True,
    )


def test_only_the_requester_replies_and_an_open_ticket_keeps_its_status(staff):
    ticket = make_ticket(status=Status.ASSIGNED, owner="jonas")
    with pytest.raises(Forbidden):
        ticket.reply(now=NOW, actor=staff["jonas"], message="hi")
    change = ticket.reply(now=NOW, actor=ANA, message="Any news?")
    assert ticket.status is Status.ASSIGNED
    assert "from" not in change.event.data


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


def test_leaving_postponed_by_reject_forgets_the_postponement(staff):
    ticket = make_ticket(status=Status.IN_PROGRESS, owner="jonas")
    ticket.postpone(
        now=NOW, actor=staff["jonas"], until=NOW + timedelta(days=3), reason="x", public=True
    )
    ticket.reject(now=NOW, actor=staff["mira"], reason="duplicate")
    assert (ticket.postponed_until, ticket.postponed_from, "wake" in ticket.timers) == (
        None,
        None,
        False,
    )


def test_a_postponement_is_at_most_five_years_long(staff):
    ticket = make_ticket(status=Status.IN_PROGRESS, owner="jonas")
    with pytest.raises(ValidationFailed, match="five years"):
        ticket.postpone(
            now=NOW,
            actor=staff["jonas"],
            until=NOW + timedelta(days=6 * 366),
            reason="x",
            public=True,
        )


def test_the_requester_cannot_wake_a_ticket_by_hand(staff):
    ticket = make_ticket(status=Status.IN_PROGRESS, owner="jonas")
    ticket.postpone(
        now=NOW, actor=staff["jonas"], until=NOW + timedelta(days=3), reason="x", public=True
    )
    with pytest.raises(Forbidden):
        ticket.wake(now=NOW, actor=ANA, why="impatient")
    assert ticket.status is Status.POSTPONED


def test_a_forbidden_split_is_refused_before_any_number_is_taken(staff):
    ticket = make_ticket(status=Status.ASSIGNED, owner="jonas")
    with pytest.raises(Forbidden):
        ticket.authorize_split(staff["tomas"], 2)
