"""Talking on a Ticket and correcting it: any staff member comments (for the requester or
the team), a triager, the bugmeister or the owner asks the requester by hand or corrects a
field, each change with one event that says what changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.domain import events as ev
from services.domain import timers
from services.domain.corrections import told
from services.domain.errors import (
    Forbidden,
    IllegalTransition,
    NothingChanged,
    ValidationFailed,
)
from services.domain.lifecycle import Status
from services.domain.ticket import WipChange
from tests.unit.ticket_builders import ANA, NOW, TODAY, make_ticket, owned

# -- comments --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["jonas", "priya", "ada", "tess", "mira"])
@pytest.mark.parametrize("public", [True, False])
def test_any_staff_member_comments_on_a_ticket_they_do_not_own(staff, who, public):
    ticket = owned(status=Status.IN_PROGRESS, owner="tomas")
    change = ticket.comment(now=NOW, actor=staff[who], message="Seen on db1001 too", public=public)
    assert (ticket.status, ticket.owner, ticket.eta) == (Status.IN_PROGRESS, "tomas", None)
    assert (change.event.kind, change.event.public, change.event.actor, change.wip) == (
        ev.COMMENTED,
        public,
        f"staff:{who}",
        (),
    )
    assert change.event.data == {"message": "Seen on db1001 too"}  # no ETA, no move


@pytest.mark.parametrize("status", list(Status))
def test_a_comment_is_welcome_in_every_status(staff, status):
    ticket = make_ticket(status=status)
    ticket.comment(now=NOW, actor=staff["priya"], message="Noted", public=False)
    assert ticket.status is status


def test_an_internal_note_leaves_the_public_queues_last_update_alone(staff):
    ticket = make_ticket()
    before = (ticket.last_update_at, ticket.last_update)
    ticket.comment(now=NOW, actor=staff["mira"], message="root pw: vault/x", public=False)
    assert (ticket.last_update_at, ticket.last_update) == before
    ticket.comment(now=NOW, actor=staff["mira"], message="On it", public=True)
    assert (ticket.last_update_at, ticket.last_update) == (NOW, "Comment")


def test_the_requester_does_not_comment_as_staff():
    with pytest.raises(Forbidden):
        make_ticket().comment(now=NOW, actor=ANA, message="hi", public=True)


# -- asking the requester by hand ------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("mira", Status.NEW), ("priya", Status.TRIAGED)])
def test_a_triager_or_the_bugmeister_asks_the_requester(staff, who, status):
    ticket = make_ticket(status=status)
    change = ticket.ask_for_info(
        now=NOW, actor=staff[who], fields=["end_state", "security_needs"], message="Which hosts?"
    )
    assert (ticket.status, ticket.missing) == (Status.NEEDS_INFO, ["end_state", "security_needs"])
    assert (change.event.kind, change.event.public, change.wip) == (ev.INFO_REQUESTED, True, ())
    assert change.event.data == {
        "missing": ["end_state", "security_needs"],
        "message": "Which hosts?",
        "from": status.value,
        "to": "needs-info",
    }
    assert change.event.detail == "Missing: end state, security needs · Which hosts?"


@pytest.mark.parametrize("status", [Status.ASSIGNED, Status.IN_PROGRESS])
def test_an_owner_who_asks_gives_the_ticket_back(staff, status):
    ticket = owned(status=status, owner="tomas")
    change = ticket.ask_for_info(
        now=NOW, actor=staff["tomas"], fields=["capacity_needs"], message=""
    )
    assert (ticket.status, ticket.owner) == (Status.NEEDS_INFO, None)
    assert change.wip == (WipChange("tomas", -1),)
    assert change.event.data["previous_owner"] == "tomas"
    assert ticket.timers[timers.REVIEW] == NOW  # nudges and the paused SLA clock are re-planned


def test_a_triager_asks_whoever_owns_it(staff):
    ticket = owned(owner="tomas")
    ticket.ask_for_info(now=NOW, actor=staff["tess"], fields=["end_state"], message="")
    assert (ticket.status, ticket.owner) == (Status.NEEDS_INFO, None)


def test_an_engineer_who_does_not_own_it_may_not_ask(staff):
    ticket = owned(owner="tomas")
    with pytest.raises(Forbidden, match="only the owner or triager or bugmeister"):
        ticket.ask_for_info(now=NOW, actor=staff["jonas"], fields=["end_state"], message="")
    assert (ticket.status, ticket.owner) == (Status.IN_PROGRESS, "tomas")


@pytest.mark.parametrize(
    "status", [Status.NEEDS_INFO, Status.POSTPONED, Status.RESOLVED, Status.CLOSED]
)
def test_nothing_is_asked_of_a_ticket_waiting_already_postponed_or_done(staff, status):
    with pytest.raises(IllegalTransition, match="cannot ask-for-info"):
        make_ticket(status=status).ask_for_info(
            now=NOW, actor=staff["mira"], fields=["end_state"], message=""
        )


def test_asking_for_nothing_is_refused(staff):
    with pytest.raises(ValidationFailed) as e:
        make_ticket().ask_for_info(now=NOW, actor=staff["mira"], fields=[], message="Hm?")
    assert set(e.value.errors) == {"fields"}


# -- corrections -----------------------------------------------------------------------------


def test_a_correction_records_before_and_after_of_each_changed_field(staff):
    ticket = make_ticket(drop_dead_date=TODAY + timedelta(days=9), dependencies=["Disks"])
    change = ticket.edit(
        now=NOW,
        actor=staff["mira"],
        values={
            "title": "A read replica for analytics",
            "requirements": ticket.requirements,  # unchanged: not recorded
            "drop_dead_date": None,
            "dependencies": ["Disks", "A rack"],
        },
        reason="the requester asked by phone",
    )
    assert ticket.title == "A read replica for analytics"
    assert (ticket.drop_dead_date, ticket.dependencies) == (None, ["Disks", "A rack"])
    assert (change.event.kind, change.event.public, ticket.status) == (
        ev.EDITED,
        False,
        Status.TRIAGED,
    )
    assert change.event.data == {
        "changes": {
            "title": {
                "before": "Grant the analytics team a read replica",
                "after": "A read replica for analytics",
            },
            "drop_dead_date": {"before": (TODAY + timedelta(days=9)).isoformat(), "after": None},
            "dependencies": {"before": ["Disks"], "after": ["Disks", "A rack"]},
        },
        "reason": "the requester asked by phone",
    }
    assert change.event.detail == (
        "Title: “Grant the analytics team a read replica” → “A read replica for analytics”"
        f" · Drop-dead date: {TODAY + timedelta(days=9)} → none"
        " · Dependencies: added “A rack”"
        " · Reason: the requester asked by phone"
    )
    assert ticket.timers[timers.REVIEW] == NOW  # its reminders follow the new date


def test_a_correction_that_changes_nothing_is_refused(staff):
    ticket = make_ticket()
    with pytest.raises(NothingChanged, match="nothing changed"):
        ticket.edit(now=NOW, actor=staff["mira"], values={"title": ticket.title}, reason="x")
    assert ticket.updated_at != NOW


@pytest.mark.parametrize("who", ["mira", "priya", "ada", "tomas"])
def test_the_owner_triagers_the_bugmeister_and_admins_correct(staff, who):
    ticket = owned(owner="tomas")
    ticket.edit(now=NOW, actor=staff[who], values={"private": True}, reason="has host names")
    assert ticket.private is True


def test_an_engineer_who_does_not_own_it_may_not_correct_it(staff):
    ticket = owned(owner="tomas")
    with pytest.raises(Forbidden, match="only the owner or triager or bugmeister may correct"):
        ticket.authorize_edit(staff["jonas"])
    with pytest.raises(Forbidden):
        ticket.edit(now=NOW, actor=staff["jonas"], values={"private": True}, reason="x")
    assert ticket.private is False


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REJECTED, Status.NEEDS_INFO])
def test_a_finished_or_waiting_ticket_may_still_be_made_private(staff, status):
    ticket = make_ticket(status=status)
    change = ticket.edit(now=NOW, actor=staff["mira"], values={"private": True}, reason="x")
    assert (ticket.private, ticket.status) == (True, status)
    assert change.event.detail == "Made private · Reason: x"


def test_a_field_asked_of_the_requester_and_filled_in_by_staff_is_no_longer_awaited(staff):
    ticket = make_ticket(status=Status.NEEDS_INFO, missing=["end_state", "security_needs"])
    ticket.edit(now=NOW, actor=staff["mira"], values={"end_state": "Done"}, reason="by phone")
    assert ticket.missing == ["security_needs"]


def test_a_new_type_has_its_timers_planned_again(staff):
    ticket = make_ticket()
    change = ticket.edit(now=NOW, actor=staff["mira"], values={"type": "access"}, reason="x")
    assert ticket.timers[timers.REVIEW] == NOW
    assert change.event.data["changes"] == {"type": {"before": "general", "after": "access"}}


@pytest.mark.parametrize(
    ("field", "before", "after", "words"),
    [
        ("end_state", "", "Done", "End state: nothing → “Done”"),
        ("private", True, False, "Made public"),
        ("acceptance_criteria", ["a", "b"], ["b"], "Acceptance criteria: removed “a”"),
        ("acceptance_criteria", ["a", "b"], ["b", "a"], "Acceptance criteria: reordered"),
        ("nice_to_have_date", None, "2027-01-02", "Nice-to-have date: none → 2027-01-02"),
        ("requirements", "x" * 200, "y", f"Requirements: “{'x' * 79}…” → “y”"),
        ("type", "general", "access", "Type: “general” → “access”"),
    ],
)
def test_a_change_is_told_in_words(field, before, after, words):
    assert told(field, before, after) == words
