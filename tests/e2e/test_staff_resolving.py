"""Resolving over the API on the embedded stack: every acceptance criterion checked, sub-tickets
and dependencies first, no dependency cycle, and a reopened ticket resolved and closed again."""

from __future__ import annotations

import pytest

from .staff_api import ENGINEER, OTHER, TRIAGER, error, kinds
from .support import Wanted, expect_mails

pytestmark = pytest.mark.e2e


# -- resolving ----------------------------------------------------------------------------


def test_resolve_needs_every_acceptance_criterion_checked(api, tickets):
    api.make_room(ENGINEER, free=1)
    filed = tickets.triaged()
    api.ok(filed.number, "take", ENGINEER)
    held = api.wip(ENGINEER)
    criteria = filed.body["acceptance_criteria"]

    partly = api.act(filed.number, "resolve", ENGINEER, {"checked": [0], "summary": "Done."})

    assert partly.status_code == 422, partly.text
    assert criteria[1] in partly.json()["errors"]["checked"]
    assert api.view(filed.number)["status"] == "assigned"

    resolved = api.ok(
        filed.number, "resolve", ENGINEER, {"checked": [0, 1], "summary": "Chairs delivered."}
    )
    assert resolved["status"] == "resolved"
    assert api.wip(ENGINEER) == held - 1


def test_a_split_ticket_resolves_only_after_every_sub_ticket(api, tickets):
    api.make_room(ENGINEER, free=1)
    api.make_room(OTHER, free=1)
    api.make_room("ada", free=1)
    filed = tickets.triaged()
    api.ok(filed.number, "take", ENGINEER)
    criteria = filed.body["acceptance_criteria"]
    everything = {"checked": list(range(len(criteria))), "summary": "All chairs in place."}

    split = api.ok(
        filed.number,
        "split",
        ENGINEER,
        {
            "children": [
                {
                    "title": "Order the chairs",
                    "requirements": "Order six chairs from the usual supplier.",
                    "acceptance_criteria": ["Order confirmed"],
                    "owner": OTHER,
                },
                {
                    "title": "Recycle the old chairs",
                    "requirements": "Have the old chairs collected for recycling.",
                    "owner": "ada",
                },
            ]
        },
    )
    first, second = split["children"]
    tickets.track(first, second)
    assert "ticket.split" in kinds(split)
    for child, owner in ((first, OTHER), (second, "ada")):
        view = api.view(child)
        assert (view["status"], view["owner"], view["parent"]) == ("assigned", owner, filed.number)
        assert view["requester"]["email"] == filed.requester

    blocked = api.act(filed.number, "resolve", ENGINEER, everything)
    assert blocked.status_code == 409, blocked.text
    assert f"#{first}" in error(blocked) and f"#{second}" in error(blocked)

    api.ok(first, "resolve", OTHER, {"checked": [0], "summary": "Ordered."})
    still = api.act(filed.number, "resolve", ENGINEER, everything)
    assert still.status_code == 409, still.text
    assert f"#{second}" in error(still) and f"#{first}" not in error(still)

    api.ok(second, "resolve", "ada", {"checked": [], "summary": "Collected."})
    resolved = api.ok(filed.number, "resolve", ENGINEER, everything)

    assert resolved["status"] == "resolved"
    [[mail]] = expect_mails(api.base_url, Wanted(filed.number, filed.requester, "Resolved"))
    assert "All chairs in place." in mail["text"]
    for criterion in criteria:
        assert criterion in mail["text"]


def test_a_ticket_that_depends_on_another_resolves_only_after_it(api, tickets):
    api.make_room(ENGINEER, free=1)
    waiting, needed = tickets.file(), tickets.file()
    api.wait_for_status(waiting.number, "triaged")
    api.wait_for_status(needed.number, "triaged")
    api.ok(waiting.number, "take", ENGINEER)
    everything = {"checked": [0, 1], "summary": "Done."}

    missing = api.act(waiting.number, "link", ENGINEER, {"depends_on": 10**9})
    assert missing.status_code == 422, missing.text
    linked = api.ok(waiting.number, "link", ENGINEER, {"depends_on": needed.number})
    assert linked["depends_on"] == [needed.number]

    blocked = api.act(waiting.number, "resolve", ENGINEER, everything)
    assert blocked.status_code == 409, blocked.text
    assert f"#{needed.number}" in error(blocked)

    api.ok(needed.number, "reject", TRIAGER, {"reason": "Done elsewhere."})
    resolved = api.ok(waiting.number, "resolve", ENGINEER, everything)
    assert resolved["status"] == "resolved"


def test_a_dependency_cycle_through_three_tickets_is_refused(api, tickets):
    # Each would wait for the next: none could ever be resolved. A direct cycle (two tickets)
    # and a sub-ticket waiting for its parent are refused; so must a longer one be.
    first, second, third = tickets.file(), tickets.file(), tickets.file()
    for filed in (first, second, third):
        api.wait_for_status(filed.number, "triaged")
    api.ok(first.number, "link", TRIAGER, {"depends_on": second.number})
    api.ok(second.number, "link", TRIAGER, {"depends_on": third.number})

    closing = api.act(third.number, "link", TRIAGER, {"depends_on": first.number})

    assert closing.status_code == 422, closing.text
    assert "depends_on" in closing.json()["errors"]
    assert api.view(third.number)["depends_on"] == []


def test_the_requester_reopens_a_resolved_ticket_which_is_then_resolved_and_closed(api, tickets):
    api.make_room(ENGINEER, free=1)
    filed = tickets.triaged()
    everything = {"checked": [0, 1], "summary": "Chairs delivered."}
    api.ok(filed.number, "take", ENGINEER)
    api.ok(filed.number, "resolve", ENGINEER, everything)

    r = api.as_requester(filed.number, "reopen", filed.token, {"reason": "Only five chairs came."})

    assert r.status_code == 200, r.text
    view = api.view(filed.number)
    # Back with its last owner, who has room again.
    assert (view["status"], view["owner"]) == ("assigned", ENGINEER)
    [reopened] = [h for h in view["history"] if h["kind"] == "ticket.reopened"]
    assert reopened["actor"] == f"requester:{filed.requester}"
    assert reopened["data"]["reason"] == "Only five chairs came."

    api.ok(filed.number, "resolve", ENGINEER, everything)
    assert api.act(filed.number, "close", OTHER).status_code == 403
    closed = api.ok(filed.number, "close", ENGINEER)

    assert closed["status"] == "closed"
    assert kinds(closed)[-1] == "ticket.closed"
    [resolutions] = expect_mails(
        api.base_url, Wanted(filed.number, filed.requester, "Resolved", count=2)
    )
    assert len(resolutions) == 2
    for mail in resolutions:
        assert "Chairs delivered." in mail["text"]
        for criterion in filed.body["acceptance_criteria"]:
            assert criterion in mail["text"]
