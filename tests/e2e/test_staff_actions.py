"""Staff actions over the API on the embedded stack: who may act, ETA/reason updates,
escalation both ways, return to triage, rejection, resolve gating by acceptance criteria,
sub-tickets and dependencies, reopening and closing; and the mail each step sends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from .support import (
    Filed,
    Wanted,
    expect_mails,
    in_days,
    neutral_ticket_body,
)

pytestmark = pytest.mark.e2e

ENGINEER = "jonas"  # an engineer with no triager or bugmeister role, WIP limit 5
OTHER = "tomas"  # another plain engineer, WIP limit 4
TRIAGER = "mira"
EMAIL = {m: f"{m}@example.org" for m in ("mira", "tomas", "priya", "jonas", "ada")}


def kinds(view: dict) -> list[str]:
    return [h["kind"] for h in view["history"]]


def error(r: requests.Response) -> str:
    return r.json().get("error", "")


# -- who may act ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def untouched(api) -> Iterator[Filed]:
    """A triaged, unowned ticket that the refused requests below must leave as it is."""
    filed = api.triaged(neutral_ticket_body())
    yield filed
    api.finish(filed.number)


def assert_untouched(api, filed: Filed) -> None:
    view = api.view(filed.number)
    assert (view["status"], view["owner"]) == ("triaged", None)
    assert "ticket.assigned" not in kinds(view)


def test_an_action_without_a_token_is_401(api, untouched):
    r = requests.post(f"{api.base_url}/api/v1/tickets/{untouched.number}/take", json={}, timeout=10)

    assert r.status_code == 401, r.text
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert_untouched(api, untouched)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer rtf_tomas_not-a-real-secret", "Bearer nonsense", "Basic dG9tYXM6eA=="],
)
def test_an_action_or_the_staff_view_with_a_bad_token_is_401(api, untouched, authorization):
    headers = {"Authorization": authorization}
    url = f"{api.base_url}/api/v1/tickets/{untouched.number}"

    take = requests.post(f"{url}/take", json={}, headers=headers, timeout=10)
    view = requests.get(url, headers=headers, timeout=10)

    assert take.status_code == 401, take.text
    assert view.status_code == 401, view.text
    assert_untouched(api, untouched)


def test_an_engineer_may_not_assign_only_a_triager_or_bugmeister(api, untouched):
    r = api.act(untouched.number, "assign", OTHER, {"owner": ENGINEER})

    assert r.status_code == 403, r.text
    assert "triager or bugmeister" in error(r)
    assert_untouched(api, untouched)


def test_the_requester_token_does_not_let_its_holder_act_as_staff(api, untouched):
    r = api.as_requester(untouched.number, "take", untouched.token, {})

    assert r.status_code == 403, r.text
    assert_untouched(api, untouched)


def test_an_unknown_ticket_or_action_is_404_and_an_unknown_assignee_422(api, untouched):
    assert api.act(10**9, "take", ENGINEER).status_code == 404
    assert api.act(untouched.number, "teleport", ENGINEER).status_code == 404

    r = api.act(untouched.number, "assign", TRIAGER, {"owner": "nobody"})

    assert r.status_code == 422, r.text
    assert "owner" in r.json()["errors"]
    assert_untouched(api, untouched)


def test_a_triager_assigns_and_the_new_owner_hears_of_it(api, tickets):
    api.make_room(ENGINEER, free=1)
    filed = tickets.triaged()

    view = api.ok(filed.number, "assign", TRIAGER, {"owner": ENGINEER})

    assert (view["status"], view["owner"]) == ("assigned", ENGINEER)
    [assigned] = [h for h in view["history"] if h["kind"] == "ticket.assigned"]
    assert assigned["actor"] == f"staff:{TRIAGER}"
    assert assigned["data"]["how"] == "assigned"
    expect_mails(api.base_url, Wanted(filed.number, EMAIL[ENGINEER], "Assigned to you"))


# -- working a ticket ------------------------------------------------------------------------


def test_take_start_and_update_with_an_eta_which_the_requester_hears_of(api, tickets):
    api.make_room(ENGINEER, free=1)
    filed = tickets.triaged()
    before = api.wip(ENGINEER)

    taken = api.ok(filed.number, "take", ENGINEER)
    assert (taken["status"], taken["owner"]) == ("assigned", ENGINEER)
    assert api.wip(ENGINEER) == before + 1
    started = api.ok(filed.number, "start", ENGINEER)
    assert started["status"] == "in-progress"

    bare = api.act(filed.number, "update", ENGINEER, {"message": "Chairs are ordered."})
    assert bare.status_code == 422, bare.text
    assert set(bare.json()["errors"]) >= {"eta", "reason"}

    eta = in_days(7)
    message = "The chairs are ordered; delivery is booked."
    updated = api.ok(filed.number, "update", ENGINEER, {"message": message, "eta": eta})

    assert updated["eta"] == eta
    [event] = [h for h in updated["history"] if h["kind"] == "ticket.updated"]
    assert event["public"] is True
    assert event["data"]["eta"] == eta
    [[mail]] = expect_mails(api.base_url, Wanted(filed.number, filed.requester, "Update"))
    assert message in mail["text"]
    assert f"Expected by {eta}" in mail["text"]


def test_an_update_in_the_past_or_by_someone_else_is_refused(api, tickets):
    api.make_room(ENGINEER, free=1)
    filed = tickets.triaged()
    api.ok(filed.number, "take", ENGINEER)

    past = api.act(filed.number, "update", ENGINEER, {"message": "Soon.", "eta": in_days(-1)})
    other = api.act(filed.number, "update", OTHER, {"message": "Soon.", "eta": in_days(3)})

    assert past.status_code == 422, past.text
    assert "eta" in past.json()["errors"]
    assert other.status_code == 403, other.text
    assert "ticket.updated" not in kinds(api.view(filed.number))


def test_an_internal_update_with_a_reason_is_not_shown_to_the_requester(api, tickets):
    api.make_room(ENGINEER, free=1)
    filed = tickets.triaged()
    api.ok(filed.number, "take", ENGINEER)
    note = "Waiting for the facilities budget."

    view = api.ok(
        filed.number,
        "update",
        ENGINEER,
        {"message": "Internal: budget pending.", "reason": note, "public": False},
    )

    [event] = [h for h in view["history"] if h["kind"] == "ticket.updated"]
    assert event["public"] is False
    assert event["data"]["reason"] == note
    public = requests.get(
        f"{api.base_url}/api/v1/tickets/{filed.number}", params={"token": filed.token}, timeout=10
    ).json()
    assert "ticket.updated" not in kinds(public)
    assert note not in str(public)


# -- escalation ---------------------------------------------------------------------------


def test_an_escalation_declined_then_accepted_moves_the_owner_and_the_wip(api, tickets):
    api.make_room(ENGINEER, free=1)
    api.make_room(OTHER, free=1)
    filed = tickets.triaged()
    api.ok(filed.number, "take", ENGINEER)

    escalated = api.ok(
        filed.number, "escalate", ENGINEER, {"to": OTHER, "reason": "Needs a hardware eye."}
    )
    assert escalated["escalation"]["to"] == OTHER
    assert escalated["escalation"]["by"] == ENGINEER
    assert escalated["owner"] == ENGINEER

    assert api.act(filed.number, "accept-escalation", "priya").status_code == 403
    declined = api.ok(
        filed.number, "decline-escalation", OTHER, {"reason": "No hardware involved."}
    )
    assert declined["owner"] == ENGINEER
    assert declined["escalation"] is None

    api.ok(filed.number, "escalate", ENGINEER, {"to": OTHER, "reason": "Second opinion."})
    mine, theirs = api.wip(ENGINEER), api.wip(OTHER)
    accepted = api.ok(filed.number, "accept-escalation", OTHER)

    assert accepted["owner"] == OTHER
    assert accepted["status"] == "assigned"
    assert accepted["escalation"] is None
    assert (api.wip(ENGINEER), api.wip(OTHER)) == (mine - 1, theirs + 1)
    history = kinds(accepted)
    assert history.count("ticket.escalated") == 2
    assert "ticket.escalation-declined" in history
    assert "ticket.escalation-accepted" in history

    asked, [declined_mail], [accepted_mail] = expect_mails(
        api.base_url,
        Wanted(filed.number, EMAIL[OTHER], "Escalated to you", count=2),
        Wanted(filed.number, EMAIL[ENGINEER], "Escalation declined"),
        Wanted(filed.number, EMAIL[ENGINEER], "Escalation accepted"),
    )
    assert len(asked) == 2
    assert "Needs a hardware eye." in asked[0]["text"]
    assert "Second opinion." in asked[1]["text"]
    assert "No hardware involved." in declined_mail["text"]
    assert "owns the ticket now" in accepted_mail["text"]


def test_return_to_triage_unowns_the_ticket_and_tells_the_triagers_then_reject_tells_the_requester(
    api, tickets
):
    api.make_room(OTHER, free=1)
    filed = tickets.triaged()
    api.ok(filed.number, "take", OTHER)
    held = api.wip(OTHER)

    returned = api.ok(
        filed.number, "return-to-triage", OTHER, {"reason": "Not mine: facilities buy chairs."}
    )

    assert (returned["status"], returned["owner"]) == ("triaged", None)
    assert api.wip(OTHER) == held - 1

    no_reason = api.act(filed.number, "reject", TRIAGER, {"reason": "  "})
    assert no_reason.status_code == 422, no_reason.text
    rejected = api.ok(
        filed.number, "reject", TRIAGER, {"reason": "Facilities order furniture, not TechOps."}
    )
    assert rejected["status"] == "rejected"

    [back], [mail] = expect_mails(
        api.base_url,
        Wanted(filed.number, EMAIL[TRIAGER], "Back to triage"),
        Wanted(filed.number, filed.requester, "Rejected"),
    )
    assert "Not mine: facilities buy chairs." in back["text"]
    assert "Facilities order furniture, not TechOps." in mail["text"]


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
    assert (view["status"], view["owner"]) == ("triaged", None)
    [reopened] = [h for h in view["history"] if h["kind"] == "ticket.reopened"]
    assert reopened["actor"] == f"requester:{filed.requester}"
    assert reopened["data"]["reason"] == "Only five chairs came."

    api.ok(filed.number, "take", ENGINEER)
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
