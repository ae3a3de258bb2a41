"""The use cases of watchers, merging and bulk actions over the in-memory repository: each
change is one save with its event, refusals name what was wrong, and a bulk action treats
each ticket as the single action would."""

from __future__ import annotations

import pytest

from services.application import bulk, merging, watching
from services.application.actions import perform
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.errors import (
    AlreadyDone,
    Conflict,
    Forbidden,
    IllegalTransition,
    TicketNotFound,
    ValidationFailed,
    WipLimitReached,
)
from services.domain.lifecycle import Status
from tests.conftest import valid_ticket

SECRET = "s" * 48


@pytest.fixture
def deps(tickets, flow, clock):
    return TicketDeps(tickets, flow, clock, SECRET)


def file(deps, **fields) -> int:
    return file_ticket(valid_ticket(**fields), deps, source="api").ticket.number


def kinds(deps, number) -> list[str]:
    return [e.kind for e in deps.tickets.history(number)]


# -- watchers --------------------------------------------------------------------------------


def test_staff_add_and_remove_watchers_in_one_change(deps, staff):
    n = file(deps, cc=["lee@example.org"])
    ticket = watching.change_watchers(
        n, {"add": ["Kim@example.org"], "remove": "lee@example.org"}, staff["jonas"], deps
    )
    assert ticket.watchers == deps.tickets.get(n).watchers == ["kim@example.org"]
    assert kinds(deps, n) == [ev.TICKET_FILED, ev.WATCHERS_CHANGED]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"add": ["nope"]}, "add", "not a mail address"),
        ({}, "add", "name an address"),
        ({"add": [], "remove": []}, "add", "name an address"),
        ({"add": ["a@example.org"], "who": 1}, "who", "not a known field"),
        ({"remove": [f"w{i}@x.org" for i in range(21)]}, "remove", "at most 20"),
        ([], "body", "JSON object"),
    ],
)
def test_a_bad_watchers_body_is_refused_by_field(deps, staff, body, field, message):
    n = file(deps)
    with pytest.raises(ValidationFailed) as e:
        watching.change_watchers(n, body, staff["mira"], deps)
    assert message in e.value.errors[field]
    assert kinds(deps, n) == [ev.TICKET_FILED]


def test_the_requester_drops_a_cc_and_the_watcher_leaves_once(deps):
    n = file(deps, cc=["lee@example.org", "kim@example.org"])
    watching.drop_watcher(n, "lee@example.org", Actor.requester("ana@example.org"), deps)
    watching.drop_watcher(n, "kim@example.org", Actor.watcher("kim@example.org"), deps)
    assert deps.tickets.get(n).watchers == []
    with pytest.raises(AlreadyDone):
        watching.drop_watcher(n, "kim@example.org", Actor.watcher("kim@example.org"), deps)
    with pytest.raises(Forbidden):
        watching.drop_watcher(n, "kim@example.org", Actor.requester("bob@example.org"), deps)


# -- merging ---------------------------------------------------------------------------------


def test_a_merge_closes_the_duplicate_and_its_people_join_the_target(deps, staff):
    target = file(deps)
    duplicate = file(deps, requester={"name": "Bob", "email": "bob@example.org"}, cc="lee@x.org")
    perform(duplicate, "take", {}, staff["jonas"], deps)
    dup, tgt = merging.merge(duplicate, {"into": target}, staff["priya"], deps)
    stored = deps.tickets.get(duplicate)
    assert (stored.status, stored.merged_into, stored.owner) == (Status.CLOSED, target, "jonas")
    assert deps.tickets.get(target).watchers == ["bob@example.org", "lee@x.org"]
    assert kinds(deps, duplicate)[-1] == ev.MERGED
    assert kinds(deps, target) == [ev.TICKET_FILED, ev.DUPLICATE_MERGED]
    assert deps.tickets.open_counts(["jonas"]) == {"jonas": 0}
    assert (dup.version, tgt.version) == (stored.version, deps.tickets.get(target).version)


def test_merging_into_a_missing_ticket_is_a_field_error(deps, staff):
    n = file(deps)
    with pytest.raises(ValidationFailed) as e:
        merging.merge(n, {"into": 99}, staff["mira"], deps)
    assert e.value.errors == {"into": "there is no ticket #99"}
    with pytest.raises(ValidationFailed) as e:
        merging.merge(n, {"into": "seven"}, staff["mira"], deps)
    assert "into" in e.value.errors


def test_who_may_not_merge_hears_that_before_anything_about_the_target(deps, staff):
    n = file(deps)
    with pytest.raises(Forbidden):
        merging.merge(n, {"into": 99}, staff["tomas"], deps)
    with pytest.raises(TicketNotFound):
        merging.merge(98, {"into": n}, staff["mira"], deps)


def test_merging_into_itself_a_finished_or_a_merged_ticket_is_a_conflict(deps, staff):
    a, b, c = file(deps), file(deps), file(deps)
    with pytest.raises(Conflict, match="into itself"):
        merging.merge(a, {"into": a}, staff["mira"], deps)
    perform(b, "reject", {"reason": "out of scope"}, staff["mira"], deps)
    with pytest.raises(Conflict, match="merge only into an open ticket"):
        merging.merge(a, {"into": b}, staff["mira"], deps)
    merging.merge(c, {"into": a}, staff["mira"], deps)
    with pytest.raises(Conflict, match="merged into #1: merge into that one"):
        merging.merge(a, {"into": c}, staff["mira"], deps)
    with pytest.raises(Conflict, match="already"):
        merging.merge(c, {"into": a}, staff["mira"], deps)
    assert kinds(deps, a) == [ev.TICKET_FILED, ev.DUPLICATE_MERGED]


# -- bulk ------------------------------------------------------------------------------------


def test_each_ticket_of_a_bulk_action_is_its_own_change_and_outcome(deps, staff):
    resolved, triaged = file(deps), file(deps)
    perform(resolved, "assign", {"owner": "tomas"}, staff["mira"], deps)
    perform(
        resolved,
        "resolve",
        {"checked": [0, 1], "summary": "Replica live"},
        staff["tomas"],
        deps,
    )
    outcomes = bulk.perform_bulk(
        {"tickets": [resolved, triaged, 99, resolved], "action": "close"}, staff["mira"], deps
    )
    assert [(o.ticket, o.ok, o.status) for o in outcomes] == [
        (resolved, True, "closed"),
        (triaged, False, None),
        (99, False, None),
    ]
    assert isinstance(outcomes[1].failure, IllegalTransition)
    assert str(outcomes[1].failure) == "cannot close a ticket that is new"
    assert isinstance(outcomes[2].failure, TicketNotFound)
    assert kinds(deps, resolved)[-1] == ev.CLOSED
    assert kinds(deps, triaged) == [ev.TICKET_FILED]


def test_a_bulk_action_keeps_each_tickets_rules_and_permissions(deps, staff):
    numbers = [file(deps) for _ in range(3)]
    outcomes = bulk.perform_bulk(
        {"tickets": numbers, "action": "reject", "reason": "duplicate"}, staff["tomas"], deps
    )
    assert all(isinstance(o.failure, Forbidden) for o in outcomes)
    outcomes = bulk.perform_bulk(
        {"tickets": numbers, "action": "assign", "owner": "ada"}, staff["mira"], deps
    )
    assert [o.ok for o in outcomes] == [True, True, False]  # Ada's WIP limit is 2
    assert isinstance(outcomes[2].failure, WipLimitReached)
    assert [deps.tickets.get(n).owner for n in numbers] == ["ada", "ada", None]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"tickets": [1], "action": "take"}, "action", "'assign', 'comment', 'reject' or 'close'"),
        ({"tickets": [], "action": "close"}, "tickets", "choose at least one ticket"),
        ({"tickets": [0], "action": "close"}, "tickets", "greater than or equal to 1"),
        ({"action": "close"}, "tickets", "is required"),
        ({"tickets": list(range(1, 52)), "action": "close"}, "tickets", "at most 50"),
        ({"tickets": [1], "action": "reject"}, "reason", "is required"),
        ({"tickets": [1], "action": "close", "reason": "x"}, "reason", "not a known field"),
    ],
)
def test_a_bad_bulk_request_is_refused_whole_before_any_ticket_changes(
    deps, staff, data, field, message
):
    n = file(deps)
    with pytest.raises(ValidationFailed) as e:
        bulk.perform_bulk(data, staff["mira"], deps)
    assert message in e.value.errors[field]
    assert kinds(deps, n) == [ev.TICKET_FILED]
