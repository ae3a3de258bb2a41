"""The requester's status page and its JSON twin, reachable only with the ticket's token."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .support import AFTER_FILING, Page, ticket_body, unique, wait_until_acknowledged

pytestmark = pytest.mark.e2e


def r_text(url: str, token: str) -> str:
    return requests.get(url, params={"token": token}, timeout=10).text


@pytest.fixture
def filed(stack):
    """A fresh ticket: (number, token, status_url, body)."""
    body = ticket_body(unique())
    r = requests.post(f"{stack}/api/v1/tickets", json=body, timeout=10)
    assert r.status_code == 201, r.text
    created = r.json()
    token = parse_qs(urlsplit(created["status_url"]).query)["token"][0]
    return created["id"], token, created["status_url"], body


def test_the_status_page_shows_the_ticket_as_new_with_its_filing(stack, filed):
    number, token, status_url, body = filed
    wait_until_acknowledged(stack, number, token)
    r = requests.get(status_url, timeout=10)
    assert r.status_code == 200
    page = Page(r.text)

    assert f"Ticket #{number}" in page.text
    assert body["title"] in page.text
    status = [a for t, a in page.tags if t == "strong" and "status" in (a.get("class") or "")]
    assert status and status[0]["class"].removeprefix("status status-") in AFTER_FILING
    history = page.text.split("History", 1)[1]
    assert "Filed" in history


def test_the_ticket_api_shows_status_new_and_the_filed_event_once(stack, filed):
    number, token, _, body = filed
    url = f"{stack}/api/v1/tickets/{number}"
    wait_until_acknowledged(stack, number, token)
    r = requests.get(url, params={"token": token}, timeout=10)
    assert r.status_code == 200, r.text
    ticket = r.json()

    assert ticket["id"] == number
    assert ticket["status"] in AFTER_FILING
    assert ticket["title"] == body["title"]
    kinds = [h["kind"] for h in ticket["history"]]
    assert kinds[0] == "ticket.filed"
    assert kinds.count("ticket.filed") == 1
    assert "ticket.acknowledged" not in kinds  # the filing is its own acknowledgement
    # Nothing about the token leaves the server: not the token, its digest or its salt.
    assert not {k for k in ticket if "token" in k or "salt" in k or "digest" in k}
    assert token not in r_text(url, token)


def test_a_wrong_or_missing_token_looks_exactly_like_a_ticket_that_does_not_exist(stack, filed):
    number, token, _, _ = filed
    other = ticket_body(unique())
    r = requests.post(f"{stack}/api/v1/tickets", json=other, timeout=10)
    other_token = parse_qs(urlsplit(r.json()["status_url"]).query)["token"][0]

    for template in ("/api/v1/tickets/{}", "/tickets/{}", "/tickets/{}/filed"):
        path = template.format(number)
        base = requests.get(f"{stack}{path}", params={"token": token}, timeout=10)
        assert base.status_code == 200, path
        denied = {
            "wrong token": requests.get(
                f"{stack}{path}", params={"token": other_token}, timeout=10
            ),
            "token of the right length, wrong value": requests.get(
                f"{stack}{path}", params={"token": "A" * len(token)}, timeout=10
            ),
            "empty token": requests.get(f"{stack}{path}", params={"token": ""}, timeout=10),
            "missing token": requests.get(f"{stack}{path}", timeout=10),
            "huge token": requests.get(f"{stack}{path}", params={"token": token * 50}, timeout=10),
            "no such ticket": requests.get(
                f"{stack}{template.format(987654321)}", params={"token": token}, timeout=10
            ),
        }
        bodies = {}
        for what, resp in denied.items():
            assert resp.status_code == 404, f"{path}, {what}: {resp.status_code} {resp.text[:300]}"
            bodies[what] = resp.text
        assert len(set(bodies.values())) == 1, f"{path}: the 404s differ: {bodies}"
        if path.startswith("/api/"):
            assert denied["missing token"].json() == {"error": "ticket not found"}
            assert denied["missing token"].headers["Content-Type"].startswith("application/json")
