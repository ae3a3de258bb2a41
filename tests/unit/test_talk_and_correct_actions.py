"""The comment, request-info and edit actions as the API and the console run them
(actions.perform over the in-memory table): bodies checked, corrections judged as filing
judges them, one change saved; and triage checking a ticket again when its type changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.application import actions
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.triage import TriageDeps, handle_event, triage
from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.errors import Forbidden, NothingChanged, ValidationFailed
from services.domain.lifecycle import Status
from tests.conftest import valid_ticket

SECRET = "k" * 48


@pytest.fixture
def deps(tickets, flow, clock):
    return TicketDeps(tickets, flow, clock, SECRET)


def filed(deps, *, triaged=True, **overrides) -> int:
    number = file_ticket(valid_ticket(**overrides), deps, source="api").ticket.number
    if triaged:
        triage(number, TriageDeps(deps.tickets, deps.flow, deps.clock))
    return number


def act(deps, who: str, number: int, action: str, body):
    actor = Actor.staff(deps.flow.member(who))
    return actions.perform(number, action, body, actor, deps)


def last(deps, number: int) -> ev.Event:
    return deps.tickets.history(number)[-1]


# -- comment ---------------------------------------------------------------------------------


def test_a_comment_is_internal_unless_said_public(deps):
    number = filed(deps)
    act(deps, "jonas", number, "comment", {"message": "Saw this on db1002 too"})
    assert (last(deps, number).kind, last(deps, number).public) == (ev.COMMENTED, False)
    act(deps, "jonas", number, "comment", {"message": "We are on it", "public": True})
    assert last(deps, number).public is True


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "message"), ({"message": "  "}, "message"), ({"message": "x", "eta": "soon"}, "eta")],
)
def test_a_comment_needs_words_and_nothing_else(deps, body, field):
    number = filed(deps)
    with pytest.raises(ValidationFailed) as e:
        act(deps, "mira", number, "comment", body)
    assert field in e.value.errors


# -- request-info ----------------------------------------------------------------------------


def test_request_info_names_fields_the_requester_can_add(deps):
    number = filed(deps)
    with pytest.raises(ValidationFailed) as e:
        act(deps, "mira", number, "request-info", {"fields": ["requester"], "message": "?"})
    assert "fields" in e.value.errors
    with pytest.raises(ValidationFailed) as e:
        act(deps, "mira", number, "request-info", {"fields": []})
    assert "fields" in e.value.errors
    ticket = act(
        deps,
        "mira",
        number,
        "request-info",
        {"fields": ["end_state", "acceptance_criteria"], "message": "Which replica?"},
    )
    assert (ticket.status, ticket.missing) == (
        Status.NEEDS_INFO,
        ["end_state", "acceptance_criteria"],
    )


def test_the_answer_to_a_request_by_hand_goes_through_triage_as_always(deps):
    number = filed(deps, **{"title": "A DNS record", "requirements": "A CNAME record for wiki."})
    assert deps.tickets.get(number).owner == "mira"
    act(deps, "mira", number, "request-info", {"fields": ["end_state"], "message": "Which?"})
    ana = Actor.requester("ana@example.org")
    actions.perform(number, "add-info", {"end_state": "wiki-new resolves"}, ana, deps)
    assert deps.tickets.get(number).status is Status.NEW
    triage(number, TriageDeps(deps.tickets, deps.flow, deps.clock))
    assert (deps.tickets.get(number).status, deps.tickets.get(number).owner) == (
        Status.ASSIGNED,
        "mira",
    )


# -- edit ------------------------------------------------------------------------------------


def test_an_edit_sets_typed_values_and_records_what_changed(deps):
    number = filed(deps)
    later = (deps.clock.now().date() + timedelta(days=40)).isoformat()
    ticket = act(
        deps,
        "mira",
        number,
        "edit",
        {
            "title": "  A read replica  ",
            "acceptance_criteria": "- Lag under 60 s\n- Analysts log in\n",
            "drop_dead_date": later,
            "reason": "clearer words",
        },
    )
    assert ticket.title == "A read replica"
    assert ticket.acceptance_criteria == ["Lag under 60 s", "Analysts log in"]
    assert ticket.drop_dead_date.isoformat() == later
    event = last(deps, number)
    assert (event.kind, event.public, event.actor) == (ev.EDITED, False, "staff:mira")
    assert set(event.data["changes"]) == {"title", "acceptance_criteria", "drop_dead_date"}
    assert event.data["reason"] == "clearer words"


def test_a_form_that_sends_every_field_changes_only_what_differs(deps):
    number = filed(deps)
    ticket = deps.tickets.get(number)
    form = {
        **{k: v for k, v in ticket.values().items() if k != "requester"},
        "drop_dead_date": ticket.drop_dead_date.isoformat(),
        "nice_to_have_date": ticket.nice_to_have_date.isoformat(),
        "private": False,
        "reason": "typo",
    }
    with pytest.raises(NothingChanged):
        act(deps, "mira", number, "edit", form)
    act(deps, "mira", number, "edit", form | {"end_state": "Analysts query the replica."})
    assert list(last(deps, number).data["changes"]) == ["end_state"]


def test_a_date_that_passed_since_filing_does_not_block_other_corrections(deps, clock):
    number = filed(deps)
    clock.advance(days=60)  # the drop-dead date (30 days after filing) has passed
    ticket = deps.tickets.get(number)
    body = {"title": "Still wanted", "drop_dead_date": ticket.drop_dead_date.isoformat()}
    act(deps, "mira", number, "edit", body | {"reason": "x"})
    with pytest.raises(ValidationFailed) as e:
        yesterday = (clock.now().date() - timedelta(days=1)).isoformat()
        act(deps, "mira", number, "edit", {"drop_dead_date": yesterday, "reason": "x"})
    assert e.value.errors == {"drop_dead_date": "must not be in the past"}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"reason": "x"}, {"body": "name at least one field to correct"}),
        ({"title": "x"}, {"reason": "is required"}),
        ({"title": "", "reason": "x"}, {"title": "is required"}),
        ({"title": None, "reason": "x"}, {"title": "is required"}),
        ({"requirements": "a\x00b", "reason": "x"}, {"requirements": "must not contain"}),
        ({"type": "coffee", "reason": "x"}, {"type": "unknown ticket type"}),
        ({"private": None, "reason": "x"}, {"private": "must be true or false"}),
        ({"requester": {"name": "Eve"}, "reason": "x"}, {"requester": "is not a known field"}),
        ({"nice_to_have_date": "2099-01-01", "reason": "x"}, {"nice_to_have_date": "after"}),
        ({"drop_dead_date": "soon", "reason": "x"}, {"drop_dead_date": "ISO date"}),
    ],
)
def test_a_bad_correction_names_each_field_in_words(deps, body, errors):
    number = filed(deps)
    before = len(deps.tickets.history(number))
    with pytest.raises(ValidationFailed) as e:
        act(deps, "mira", number, "edit", body)
    assert set(e.value.errors) == set(errors)
    for field, words in errors.items():
        assert words in e.value.errors[field]
    assert len(deps.tickets.history(number)) == before


def test_a_correction_may_not_blank_what_the_type_requires(deps):
    number = filed(deps, type="access", security_needs="sudo for mysql")
    with pytest.raises(ValidationFailed) as e:
        act(deps, "mira", number, "edit", {"security_needs": "", "reason": "x"})
    assert e.value.errors == {"security_needs": "is required for access request tickets"}


def test_an_always_private_type_makes_the_ticket_private_and_stays_so(deps):
    number = filed(deps)
    ticket = act(deps, "mira", number, "edit", {"type": "access", "reason": "it is access"})
    assert (ticket.type, ticket.private) == ("access", True)
    assert set(last(deps, number).data["changes"]) == {"type", "private"}
    with pytest.raises(ValidationFailed) as e:
        act(deps, "mira", number, "edit", {"private": False, "reason": "x"})
    assert e.value.errors == {"private": "Access request tickets are always private"}


def test_who_may_not_correct_hears_so_before_any_word_about_the_values(deps):
    number = filed(deps, **{"title": "A DNS record", "requirements": "A CNAME record for wiki."})
    with pytest.raises(Forbidden):
        act(deps, "jonas", number, "edit", {"title": "", "reason": "x"})


# -- triage after a new type -----------------------------------------------------------------


def triage_deps(deps) -> TriageDeps:
    return TriageDeps(deps.tickets, deps.flow, deps.clock)


def test_a_new_type_that_requires_more_sends_a_triaged_ticket_to_the_requester(deps):
    number = filed(deps, security_needs="", **{"title": "Move plants", "requirements": "x" * 20})
    assert deps.tickets.get(number).status is Status.TRIAGED
    act(deps, "priya", number, "edit", {"type": "access", "reason": "it is about access"})
    handle_event(last(deps, number), triage_deps(deps))
    ticket = deps.tickets.get(number)
    assert (ticket.status, ticket.missing) == (Status.NEEDS_INFO, ["security_needs"])
    event = last(deps, number)
    assert (event.kind, event.actor, event.public) == (ev.INFO_REQUESTED, "system:triage", True)
    handle_event(deps.tickets.history(number)[-2], triage_deps(deps))  # redelivered: no-op
    assert last(deps, number) == event


def test_a_new_type_leaves_an_owned_ticket_with_its_owner(deps):
    number = filed(deps, security_needs="", **{"title": "DNS", "requirements": "A CNAME record."})
    act(deps, "mira", number, "edit", {"type": "access", "reason": "x"})
    handle_event(last(deps, number), triage_deps(deps))
    assert (deps.tickets.get(number).status, last(deps, number).kind) == (
        Status.ASSIGNED,
        ev.EDITED,
    )


def test_an_edit_that_keeps_the_type_is_not_triaged_again(deps):
    number = filed(deps, security_needs="", **{"title": "Move plants", "requirements": "x" * 20})
    act(deps, "mira", number, "edit", {"title": "Move the plants", "reason": "x"})
    handle_event(last(deps, number), triage_deps(deps))
    assert last(deps, number).kind == ev.EDITED
