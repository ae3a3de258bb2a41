"""Working a ticket over the API on the embedded stack: take, start, ETA/reason updates (public
or internal), escalation declined then accepted, return to triage and rejection; and the
mail each step sends."""

from __future__ import annotations

import pytest
import requests

from .staff_api import EMAIL, ENGINEER, OTHER, TRIAGER, kinds
from .support import Wanted, expect_mails, in_days

pytestmark = pytest.mark.e2e


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
