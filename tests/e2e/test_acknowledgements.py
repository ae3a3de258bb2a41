"""Filing a ticket sends one acknowledgement to the requester and one to the team list."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from .support import (
    TEAM_LIST,
    is_acknowledgement,
    tag,
    ticket_body,
    unique,
    wait_until_acknowledged,
)

pytestmark = pytest.mark.e2e


def file_by_api(stack: str, body: dict) -> tuple[int, str, str]:
    r = requests.post(f"{stack}/api/v1/tickets", json=body, timeout=10)
    assert r.status_code == 201, r.text
    created = r.json()
    token = parse_qs(urlsplit(created["status_url"]).query)["token"][0]
    return created["id"], token, created["status_url"]


def file_by_form(stack: str, body: dict) -> tuple[int, str, str]:
    form = {
        "type": body["type"],
        "title": body["title"],
        "requirements": body["requirements"],
        "end_state": body["end_state"],
        "acceptance_criteria": "\n".join(body["acceptance_criteria"]),
        "drop_dead_date": body["drop_dead_date"],
        "nice_to_have_date": body["nice_to_have_date"],
        "capacity_needs": body["capacity_needs"],
        "security_needs": body["security_needs"],
        "dependencies": "\n".join(body["dependencies"]),
        "requester_name": body["requester"]["name"],
        "requester_email": body["requester"]["email"],
    }
    r = requests.post(f"{stack}/tickets/new", data=form, allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text[:2000]
    location = urljoin(f"{stack}/", r.headers["Location"])
    number = int(re.search(r"/tickets/(\d+)/filed", location)[1])
    token = parse_qs(urlsplit(location).query)["token"][0]
    return number, token, f"{stack}/tickets/{number}?token={token}"


@pytest.mark.parametrize("file", [file_by_api, file_by_form], ids=["api", "form"])
def test_filing_sends_exactly_one_mail_to_the_requester_and_one_to_the_team(
    stack, mail, wait_for_mail, file
):
    body = ticket_body(unique())
    requester = body["requester"]["email"]

    number, token, status_url = file(stack, body)

    def for_ticket(m):
        return tag(number) in m["subject"]

    wait_for_mail(lambda m: for_ticket(m) and m["to"] == [requester])
    wait_for_mail(lambda m: for_ticket(m) and m["to"] == [TEAM_LIST])
    wait_until_acknowledged(stack, number, token)
    time.sleep(1.0)  # a second acknowledgement would have come by now
    mine = [m for m in mail() if for_ticket(m) and is_acknowledgement(m)]
    to_requester = [m for m in mine if m["to"] == [requester]]
    to_team = [m for m in mine if m["to"] == [TEAM_LIST]]
    assert len(to_requester) == 1, [m["subject"] for m in to_requester]
    assert len(to_team) == 1, [m["subject"] for m in to_team]
    assert len(mine) == 2, [(m["to"], m["subject"]) for m in mine]

    ack = to_requester[0]
    assert f"#{number}" in ack["subject"]
    assert body["title"] in ack["subject"]
    assert status_url in ack["text"]
    assert requests.get(status_url, timeout=10).status_code == 200

    team = to_team[0]
    assert f"#{number}" in team["subject"]
    for detail in (
        body["title"],
        body["requirements"],
        body["end_state"],
        *body["acceptance_criteria"],
        body["drop_dead_date"],
        body["nice_to_have_date"],
        body["capacity_needs"],
        body["security_needs"],
        *body["dependencies"],
        body["requester"]["name"],
        requester,
    ):
        assert detail in team["text"], f"{detail!r} is missing from the team's mail"
    # The team's mail never carries the requester's private link.
    assert token not in team["text"] and token not in (team["html"] or "")

    for m in mine:
        assert m["headers"].get("Auto-Submitted") == "auto-generated"
        assert m["headers"].get("X-RTFlow-Ticket") == str(number)


def test_every_captured_mail_has_a_text_part(stack, mail, wait_for_mail):
    body = ticket_body(unique())
    number, _, _ = file_by_api(stack, body)
    wait_for_mail(lambda m: tag(number) in m["subject"], count=2)

    messages = mail()
    assert messages
    for m in messages:
        assert m["text"] and m["text"].strip(), f"{m['subject']!r} to {m['to']} has no text part"
