"""Triage on the embedded stack: a complete ticket goes to its obvious owner, an unmatched one
to the staff meeting, an incomplete one to the requester for more information and back."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .staff_api import neutral_ticket_body
from .support import Page, Wanted, expect_mails, tag, ticket_body, unique

pytestmark = pytest.mark.e2e

TRIAGERS = ["mira@example.org"]  # the only triager of infra/flow.example.yaml


def history(view: dict) -> list[str]:
    return [h["kind"] for h in view["history"]]


def database_request(uid: str) -> dict:
    return ticket_body(
        uid,
        type="database",
        title=f"E2E {uid}: a mysql replica for reporting",
        requirements=f"Set up a MySQL replica of the reporting database {uid} for the analysts.",
        end_state="Analysts query the replica, never the primary.",
        capacity_needs="200 GB, about 50 queries per second.",
    )


def test_a_complete_database_request_is_assigned_to_its_obvious_owner(api, tickets):
    # Tickets that other tests left with priya must not decide where this one goes.
    api.make_room("priya", free=2)
    filed = tickets.file(database_request(unique()))

    view = api.wait_for_status(filed.number, {"assigned", "triaged", "needs-info"})

    assert view["status"] == "assigned", view
    assert view["owner"] == "priya"
    assert view["skills"] == ["mysql"]
    assert view["missing"] == []
    complexity = view["complexity"]
    assert complexity["size"] in ("small", "medium", "large")
    assert complexity["reasons"], complexity
    assert "2 dependencies (+2)" in complexity["reasons"]
    assert any(r.startswith("capacity or performance needs") for r in complexity["reasons"])
    assert complexity["points"] == sum(
        int(re.search(r"\(\+(\d+)\)$", r).group(1)) for r in complexity["reasons"]
    )
    triaged = [h for h in view["history"] if h["kind"] == "ticket.triaged"]
    assert len(triaged) == 1
    assert triaged[0]["actor"] == "system:triage"
    assert triaged[0]["data"]["owner"] == "priya"
    assert triaged[0]["data"]["complexity"] == complexity["size"]
    assert triaged[0]["data"]["reasons"] == complexity["reasons"]
    assert "mysql" in triaged[0]["data"]["routing"]

    [[mail]] = expect_mails(api.base_url, Wanted(filed.number, "priya@example.org", "Assigned"))
    assert filed.title in mail["subject"]
    assert f"Complexity: {complexity['size']}" in mail["text"]
    assert f"/staff/tickets/{filed.number}" in mail["text"]


def test_a_request_that_matches_no_skill_stays_unowned_and_the_triager_hears_of_it(
    api, tickets, mail
):
    filed = tickets.file(neutral_ticket_body())

    view = api.wait_for_status(filed.number, {"assigned", "triaged", "needs-info"})

    assert view["status"] == "triaged", view
    assert view["owner"] is None
    assert view["skills"] == []
    assert view["complexity"] is not None
    [triaged] = [h for h in view["history"] if h["kind"] == "ticket.triaged"]
    assert "owner" not in triaged["data"]
    assert "staff meeting" in triaged["data"]["routing"]
    found = expect_mails(
        api.base_url, *(Wanted(filed.number, t, "Nobody can own") for t in TRIAGERS)
    )
    for [notice] in found:
        assert "staff-meeting agenda" in notice["text"]
    assert not [
        m for m in mail() if tag(filed.number) in m["subject"] and "Assigned" in m["subject"]
    ]


def incomplete(uid: str) -> dict:
    """A general ticket whose end state is a placeholder: accepted at filing (not blank),
    incomplete for triage."""
    return neutral_ticket_body(uid, end_state="tbd")


def info_request(api, filed) -> str:
    """Wait for needs-info and its mail; the link in the mail where the requester adds it."""
    view = api.wait_for_status(filed.number, {"assigned", "triaged", "needs-info"})
    assert view["status"] == "needs-info", view
    assert view["missing"] == ["end_state"]
    assert view["owner"] is None

    [[mail]] = expect_mails(
        api.base_url, Wanted(filed.number, filed.requester, "More information needed")
    )
    assert "end state" in mail["text"]
    links = re.findall(r"https?://\S+/tickets/\d+/info\?token=\S+", mail["text"])
    assert len(links) == 1, mail["text"]
    link = links[0]
    assert urlsplit(link).path == f"/tickets/{filed.number}/info"
    assert parse_qs(urlsplit(link).query)["token"] == [filed.token]
    return link


def assert_back_through_triage(api, number: int) -> dict:
    view = api.wait_for_status(number, {"assigned", "triaged", "needs-info"})
    assert view["status"] == "triaged", view
    assert view["missing"] == []
    kinds = history(view)
    for kind in ("ticket.info-requested", "ticket.info-added", "ticket.triaged"):
        assert kind in kinds, kinds
    assert (
        kinds.index("ticket.info-requested")
        < kinds.index("ticket.info-added")
        < kinds.index("ticket.triaged")
    )
    [added] = [h for h in view["history"] if h["kind"] == "ticket.info-added"]
    assert added["actor"] == f"requester:{view['requester']['email']}"
    assert added["public"] is True
    return view


def test_an_incomplete_request_goes_to_needs_info_and_back_through_triage_via_the_api(api, tickets):
    filed = tickets.file(incomplete(unique()))
    info_request(api, filed)
    end_state = "Six new chairs stand in the ops room, the old ones are gone."

    r = api.as_requester(filed.number, "add-info", filed.token, {"end_state": end_state})

    assert r.status_code == 200, r.text
    assert r.json()["end_state"] == end_state
    assert r.json()["status"] in ("new", "triaged")
    view = assert_back_through_triage(api, filed.number)
    assert view["end_state"] == end_state


def test_an_incomplete_request_goes_to_needs_info_and_back_through_triage_via_the_form(
    stack, api, tickets
):
    filed = tickets.file(incomplete(unique()))
    link = info_request(api, filed)
    parts = urlsplit(link)
    url = f"{stack}{parts.path}?{parts.query}"  # the mail's link, on the session's stack

    page = requests.get(url, timeout=10)
    assert page.status_code == 200, page.text
    form = Page(page.text)
    assert "end_state" in form.controls, form.controls
    [action] = [a.get("action") for t, a in form.tags if t == "form" and a.get("method") == "post"]
    end_state = "Six new chairs stand in the ops room, the old ones are gone."
    data = {name: form.value(name) or "" for name in form.controls}
    data["end_state"] = end_state

    r = requests.post(
        requests.compat.urljoin(url, action), data=data, timeout=10, allow_redirects=False
    )

    assert r.status_code == 303, r.text
    assert urlsplit(r.headers["Location"]).path == f"/tickets/{filed.number}"
    view = assert_back_through_triage(api, filed.number)
    assert view["end_state"] == end_state


def test_the_info_page_refuses_a_wrong_token(stack, api, tickets):
    filed = tickets.file(incomplete(unique()))
    assert api.wait_for_status(filed.number, {"triaged", "needs-info"})["status"] == "needs-info"

    r = requests.get(f"{stack}/tickets/{filed.number}/info", params={"token": "x"}, timeout=10)
    assert r.status_code == 404
    r = api.as_requester(filed.number, "add-info", "x" * 43, {"end_state": "Chairs in the room."})
    assert r.status_code == 404
    assert api.view(filed.number)["status"] == "needs-info"
