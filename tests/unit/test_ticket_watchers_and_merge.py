"""Watchers and merging on the Ticket: CC named when filing, staff adding and removing
watchers, the requester dropping a CC, a watcher leaving, and a duplicate merged into the
ticket that carries on."""

from __future__ import annotations

import pytest

from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.drafts import validate_draft
from services.domain.errors import (
    AlreadyDone,
    Conflict,
    Forbidden,
    IllegalTransition,
    ValidationFailed,
)
from services.domain.lifecycle import Status
from services.domain.ticket import Ticket, WipChange
from services.domain.watchers import MAX_CC, MAX_WATCHERS, unwatch_link, unwatch_matches
from tests.conftest import valid_ticket
from tests.unit.ticket_builders import ANA, BOB, NOW, TODAY, make_ticket, owned

# -- CC when filing ---------------------------------------------------------------------------


def filed(flow, **fields) -> Ticket:
    draft = validate_draft(valid_ticket(**fields), flow=flow, today=TODAY)
    ticket, _ = Ticket.file(
        number=3,
        draft=draft,
        ticket_type=flow.ticket_type(draft.type),
        now=NOW,
        token_salt="s",
        token_digest="d",
        source="api",
    )
    return ticket


def test_the_cc_named_when_filing_watch_the_ticket_lower_case_once_each(flow):
    ticket = filed(flow, cc=["Lee@Example.org", "kim@example.org", "lee@example.org"])
    assert ticket.watchers == ["lee@example.org", "kim@example.org"]


def test_a_form_may_name_the_cc_in_one_text_and_the_requester_is_not_copied_on_her_own(flow):
    ticket = filed(flow, cc="lee@example.org, ana@example.org\nkim@example.org")
    assert ticket.watchers == ["lee@example.org", "kim@example.org"]


@pytest.mark.parametrize(
    ("cc", "message"),
    [
        (["not an address"], "not a mail address"),
        (["zoë@example.org"], "ASCII"),
        ([f"p{i}@example.org" for i in range(MAX_CC + 1)], f"at most {MAX_CC} addresses"),
        ("a@example.org " * (MAX_CC + 1), f"at most {MAX_CC} addresses"),
    ],
)
def test_a_bad_or_too_long_cc_is_refused_by_name(flow, cc, message):
    with pytest.raises(ValidationFailed) as e:
        validate_draft(valid_ticket(cc=cc), flow=flow, today=TODAY)
    assert message in e.value.errors["cc"]


# -- staff add and remove watchers ----------------------------------------------------------


def test_any_staff_member_adds_and_removes_watchers_in_one_internal_event(staff):
    ticket = make_ticket(watchers=["lee@example.org"])
    change = ticket.change_watchers(
        now=NOW,
        actor=staff["tomas"],
        add=["kim@example.org"],
        remove=["lee@example.org", "nobody@example.org"],
    )
    assert ticket.watchers == ["kim@example.org"]
    assert ticket.status is Status.TRIAGED
    assert (change.event.kind, change.event.public) == (ev.WATCHERS_CHANGED, False)
    assert change.event.data == {"added": ["kim@example.org"], "removed": ["lee@example.org"]}
    assert change.event.detail == "Added: kim@example.org · Removed: lee@example.org"


def test_watchers_change_on_a_finished_ticket_too(staff):
    ticket = make_ticket(status=Status.CLOSED)
    ticket.change_watchers(now=NOW, actor=staff["mira"], add=["kim@example.org"], remove=[])
    assert ticket.watchers == ["kim@example.org"]


def test_a_change_that_changes_nothing_is_already_done(staff):
    ticket = make_ticket(watchers=["lee@example.org"])
    with pytest.raises(AlreadyDone):
        ticket.change_watchers(
            now=NOW, actor=staff["mira"], add=["lee@example.org"], remove=["kim@example.org"]
        )


def test_the_requester_and_an_address_both_added_and_removed_are_refused(staff):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed, match="is the requester"):
        ticket.change_watchers(now=NOW, actor=staff["mira"], add=["ana@example.org"], remove=[])
    with pytest.raises(ValidationFailed, match="both added and removed"):
        ticket.change_watchers(
            now=NOW, actor=staff["mira"], add=["kim@example.org"], remove=["kim@example.org"]
        )


def test_a_ticket_has_at_most_max_watchers(staff):
    ticket = make_ticket(watchers=[f"w{i}@example.org" for i in range(MAX_WATCHERS)])
    with pytest.raises(ValidationFailed, match=f"at most {MAX_WATCHERS}"):
        ticket.change_watchers(now=NOW, actor=staff["mira"], add=["kim@example.org"], remove=[])
    ticket.change_watchers(
        now=NOW, actor=staff["mira"], add=["kim@example.org"], remove=["w0@example.org"]
    )
    assert len(ticket.watchers) == MAX_WATCHERS


def test_only_staff_change_watchers():
    with pytest.raises(Forbidden):
        make_ticket().change_watchers(now=NOW, actor=ANA, add=["kim@example.org"], remove=[])


# -- the requester drops a CC; a watcher leaves ---------------------------------------------


def test_the_requester_drops_a_cc():
    ticket = make_ticket(watchers=["lee@example.org", "kim@example.org"])
    change = ticket.drop_watcher(now=NOW, actor=ANA, address="Lee@example.org")
    assert ticket.watchers == ["kim@example.org"]
    assert change.event.data == {"removed": ["lee@example.org"], "by": "requester"}
    assert change.event.detail == "Removed by the requester: lee@example.org"


def test_a_watcher_leaves_by_their_own_link_and_nobody_else_may_take_them_off():
    ticket = make_ticket(watchers=["lee@example.org", "kim@example.org"])
    with pytest.raises(Forbidden):
        ticket.drop_watcher(
            now=NOW, actor=Actor.watcher("kim@example.org"), address="lee@example.org"
        )
    with pytest.raises(Forbidden):
        ticket.drop_watcher(now=NOW, actor=BOB, address="lee@example.org")
    change = ticket.drop_watcher(
        now=NOW, actor=Actor.watcher("Lee@example.org"), address="lee@example.org"
    )
    assert change.event.detail == "Removed by their own link: lee@example.org"
    with pytest.raises(AlreadyDone):
        ticket.drop_watcher(
            now=NOW, actor=Actor.watcher("lee@example.org"), address="lee@example.org"
        )


def test_the_unwatch_link_is_signed_for_one_ticket_and_one_address():
    link = unwatch_link("https://rt.example.org/", "k" * 48, 7, "lee@example.org")
    assert link.startswith(
        "https://rt.example.org/tickets/7/unwatch?address=lee%40example.org&token="
    )
    token = link.rsplit("token=", 1)[1]
    assert unwatch_matches("k" * 48, 7, "LEE@example.org", token)
    assert not unwatch_matches("k" * 48, 8, "lee@example.org", token)
    assert not unwatch_matches("k" * 48, 7, "kim@example.org", token)
    assert not unwatch_matches("j" * 48, 7, "lee@example.org", token)
    assert not unwatch_matches("k" * 48, 7, "lee@example.org", None)


# -- merging ---------------------------------------------------------------------------------


def duplicate_and_target(**duplicate_fields) -> tuple[Ticket, Ticket]:
    duplicate = make_ticket(number=7, watchers=["lee@example.org"], **duplicate_fields)
    target = make_ticket(
        number=4, status=Status.IN_PROGRESS, owner="tomas", watchers=["kim@example.org"]
    )
    target.requester = target.requester.model_copy(update={"email": "bob@example.org"})
    return duplicate, target


@pytest.mark.parametrize("who", ["mira", "priya", "ada", "tess"])
def test_triagers_bugmeisters_and_admins_merge_a_duplicate(staff, who):
    duplicate, target = duplicate_and_target()
    change, target_change = duplicate.merge_into(now=NOW, actor=staff[who], target=target)
    assert (duplicate.status, duplicate.merged_into) == (Status.CLOSED, 4)
    assert (change.event.kind, change.event.public) == (ev.MERGED, True)
    assert change.event.data == {
        "into": 4,
        "into_title": target.title,
        "from": "triaged",
        "to": "closed",
    }
    assert change.event.detail == f"Now followed in #4 · {target.title}"
    assert target.status is Status.IN_PROGRESS
    assert target.watchers == ["kim@example.org", "ana@example.org", "lee@example.org"]
    assert (target_change.event.kind, target_change.event.public) == (ev.DUPLICATE_MERGED, False)
    assert target_change.event.ticket == 4
    assert target_change.event.data["watchers"] == ["ana@example.org", "lee@example.org"]


def test_an_owned_duplicate_gives_back_its_owners_wip(staff):
    duplicate, target = duplicate_and_target(status=Status.IN_PROGRESS, owner="jonas")
    change, target_change = duplicate.merge_into(now=NOW, actor=staff["mira"], target=target)
    assert change.wip == (WipChange("jonas", -1),)
    assert target_change.wip == ()


def test_who_watches_the_target_already_joins_once(staff):
    duplicate, target = duplicate_and_target()
    duplicate.watchers = ["kim@example.org", "bob@example.org"]
    _, target_change = duplicate.merge_into(now=NOW, actor=staff["mira"], target=target)
    assert target.watchers == ["kim@example.org", "ana@example.org"]
    assert target_change.event.data["watchers"] == ["ana@example.org"]


def test_engineers_and_requesters_may_not_merge(staff):
    duplicate, target = duplicate_and_target()
    for actor in (staff["tomas"], ANA):
        with pytest.raises(Forbidden):
            duplicate.merge_into(now=NOW, actor=actor, target=target)


def test_merging_into_itself_a_finished_or_a_merged_ticket_is_a_conflict(staff):
    duplicate, target = duplicate_and_target()
    with pytest.raises(Conflict, match="into itself"):
        duplicate.merge_into(now=NOW, actor=staff["mira"], target=duplicate)
    target.status = Status.RESOLVED
    with pytest.raises(Conflict, match="resolved: merge only into an open ticket"):
        duplicate.merge_into(now=NOW, actor=staff["mira"], target=target)
    target.status, target.merged_into = Status.CLOSED, 2
    with pytest.raises(Conflict, match="merged into #2: merge into that one"):
        duplicate.merge_into(now=NOW, actor=staff["mira"], target=target)


def test_a_merged_ticket_is_not_merged_again_and_a_finished_one_not_at_all(staff):
    duplicate, target = duplicate_and_target()
    duplicate.merge_into(now=NOW, actor=staff["mira"], target=target)
    _, other = duplicate_and_target()
    other.number = 5
    with pytest.raises(Conflict, match="merged into #4 already"):
        duplicate.merge_into(now=NOW, actor=staff["mira"], target=other)
    with pytest.raises(IllegalTransition):
        owned(status=Status.RESOLVED).merge_into(now=NOW, actor=staff["mira"], target=other)


def test_a_full_target_refuses_the_merge_and_nothing_changes(staff):
    duplicate, target = duplicate_and_target()
    target.watchers = [f"w{i}@example.org" for i in range(MAX_WATCHERS - 1)]
    with pytest.raises(Conflict, match=f"more than {MAX_WATCHERS} watchers"):
        duplicate.merge_into(now=NOW, actor=staff["mira"], target=target)
    assert (duplicate.status, duplicate.merged_into) == (Status.TRIAGED, None)
    assert len(target.watchers) == MAX_WATCHERS - 1


def test_reopening_a_merged_duplicate_makes_it_a_request_of_its_own_again(staff):
    duplicate, target = duplicate_and_target()
    duplicate.merge_into(now=NOW, actor=staff["mira"], target=target)
    duplicate.reopen(now=NOW, actor=ANA, reason="not the same thing")
    assert (duplicate.status, duplicate.merged_into) == (Status.TRIAGED, None)
