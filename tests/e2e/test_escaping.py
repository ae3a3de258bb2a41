"""Whatever a requester types is shown as text on every page and in every HTML mail."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .support import TEAM_LIST, Page, tag, unique, wait_until_acknowledged

pytestmark = pytest.mark.e2e

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
RAW = (SCRIPT, ATTRIBUTE, "<script", "<img", "onerror=alert(1)>")


def hostile(uid: str, what: str) -> str:
    return f"{what} {uid} {SCRIPT} {ATTRIBUTE}"


def hostile_body(uid: str) -> dict:
    return {
        "type": "general",
        "title": hostile(uid, "title"),
        "requirements": hostile(uid, "requirements") + "\n" + hostile(uid, "line 2"),
        "end_state": hostile(uid, "end state"),
        "acceptance_criteria": [hostile(uid, "criterion 1"), hostile(uid, "criterion 2")],
        "capacity_needs": hostile(uid, "capacity"),
        "security_needs": hostile(uid, "security"),
        "dependencies": [hostile(uid, "dependency 1"), hostile(uid, "dependency 2")],
        "requester": {"name": hostile(uid, "name"), "email": f"esc-{uid}@example.com"},
    }


def assert_shown_only_as_text(html: str, where: str, must_show: list[str]) -> None:
    for raw in RAW:
        assert raw not in html, f"{where} contains the raw {raw!r}"
    page = Page(html)
    tags = {t for t, _ in page.tags}
    assert "script" not in tags and "img" not in tags, f"{where} has a tag from the input"
    assert not any("onerror" in a for _, attrs in page.tags for a in attrs), where
    # Escaped, not dropped: the reader sees exactly what was typed.
    for text in must_show:
        assert text in page.text, f"{where} does not show {text!r} as text"


@pytest.fixture(scope="module")
def hostile_ticket(stack, wait_for_mail):
    uid = unique()
    body = hostile_body(uid)
    r = requests.post(f"{stack}/api/v1/tickets", json=body, timeout=10)
    assert r.status_code == 201, r.text
    created = r.json()
    number = created["id"]
    token = parse_qs(urlsplit(created["status_url"]).query)["token"][0]
    mails = wait_for_mail(lambda m: tag(number) in m["subject"], count=2)
    wait_until_acknowledged(stack, number, token)
    return {"uid": uid, "body": body, "number": number, "token": token, "mails": mails}


def every_text(body: dict) -> list[str]:
    return [
        body["title"],
        *body["requirements"].split("\n"),
        body["end_state"],
        *body["acceptance_criteria"],
        body["capacity_needs"],
        body["security_needs"],
        *body["dependencies"],
        body["requester"]["name"],
    ]


def test_the_status_page_shows_hostile_input_as_text(stack, hostile_ticket):
    t = hostile_ticket
    r = requests.get(f"{stack}/tickets/{t['number']}", params={"token": t["token"]}, timeout=10)

    assert r.status_code == 200
    assert_shown_only_as_text(r.text, "the status page", every_text(t["body"]))


def test_the_confirmation_page_shows_hostile_input_as_text(stack, hostile_ticket):
    t = hostile_ticket
    r = requests.get(
        f"{stack}/tickets/{t['number']}/filed", params={"token": t["token"]}, timeout=10
    )

    assert r.status_code == 200
    assert_shown_only_as_text(r.text, "the confirmation page", [t["body"]["title"]])


def test_the_captured_mail_page_shows_hostile_input_as_text(stack, hostile_ticket):
    r = requests.get(f"{stack}/dev/mail", timeout=10)

    assert r.status_code == 200
    assert_shown_only_as_text(r.text, "/dev/mail", every_text(hostile_ticket["body"]))


def test_the_html_part_of_each_mail_shows_hostile_input_as_text(hostile_ticket):
    body = hostile_ticket["body"]
    mails = {m["to"][0]: m for m in hostile_ticket["mails"]}
    requester, team = mails[body["requester"]["email"]], mails[TEAM_LIST]

    for m in (requester, team):
        assert m["html"], f"the mail to {m['to']} has no HTML part"
    assert_shown_only_as_text(
        requester["html"], "the requester's HTML mail", [body["title"], body["requester"]["name"]]
    )
    assert_shown_only_as_text(team["html"], "the team's HTML mail", every_text(body))
    # The text parts carry the input verbatim: plain text needs no escaping.
    assert body["title"] in requester["text"]
    assert all(text in team["text"] for text in every_text(body))


def test_a_rejected_form_shows_hostile_input_as_text_in_every_field(stack):
    uid = unique()
    form = {
        "type": hostile(uid, "type"),
        "title": hostile(uid, "title"),
        "requirements": hostile(uid, "requirements"),
        "end_state": hostile(uid, "end state"),
        "acceptance_criteria": hostile(uid, "criterion 1") + "\n" + hostile(uid, "criterion 2"),
        "drop_dead_date": hostile(uid, "drop dead"),
        "nice_to_have_date": hostile(uid, "nice to have"),
        "capacity_needs": hostile(uid, "capacity"),
        "security_needs": hostile(uid, "security"),
        "dependencies": hostile(uid, "dependency"),
        "requester_name": hostile(uid, "name"),
        "requester_email": ATTRIBUTE,
    }

    r = requests.post(f"{stack}/tickets/new", data=form, allow_redirects=False, timeout=10)

    assert r.status_code == 422, r.text[:500]
    assert_shown_only_as_text(r.text, "the re-rendered form", [])
    page = Page(r.text)
    for name, typed in form.items():
        if name == "type":
            continue  # a select: only the known types can be chosen
        assert page.value(name) == typed, f"{name} was not kept verbatim: {page.value(name)!r}"
    assert {"type-error", "drop_dead_date-error", "requester_email-error"} <= set(page.errors)
