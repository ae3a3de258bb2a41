"""Talking and correcting end to end on the embedded stack: staff comment on a ticket they do
not own (an internal note stays with the team, a public comment reaches the requester's page
and mailbox), a team member's mail over SMTP is a note unless the requester was copied, a
correction that makes the ticket private takes it off the public queue at once, and a new
type that needs more sends the requester the question; in chromium with JavaScript off, the
console's collapsed sections open, comment and correct."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from .staff_api import neutral_ticket_body
from .support import eventually, tag, unique
from .test_browser import no_js_page, staff_token  # noqa: F401 - the no_js_page fixture
from .test_mail_in import mail, smtp_data

pytestmark = pytest.mark.e2e


def requester_view(api, filed) -> dict:
    r = requests.get(
        f"{api.base_url}/api/v1/tickets/{filed.number}", params={"token": filed.token}, timeout=10
    )
    assert r.status_code == 200, r.text
    return r.json()


def on_public_queue(api, number: int) -> bool:
    r = requests.get(f"{api.base_url}/api/v1/queue", params={"ticket": number}, timeout=10)
    return any(t["number"] == number for t in r.json()["tickets"])


def test_staff_talk_on_a_ticket_and_only_public_words_reach_the_requester(
    api, tickets, wait_for_mail
):
    uid = unique()
    filed = tickets.triaged(neutral_ticket_body(uid))
    note, said = f"note-{uid}: vendor quote is 400 EUR", f"said-{uid}: chairs come Friday"

    api.ok(filed.number, "comment", "priya", {"message": note})  # the bugmeister, not owner
    view = api.ok(filed.number, "comment", "jonas", {"message": said, "public": True})
    assert [h["kind"] for h in view["history"]][-2:] == ["ticket.commented"] * 2
    assert view["status"] == "triaged"  # a comment moves nothing

    mine = requester_view(api, filed)
    assert said in str(mine["history"]) and note not in str(mine["history"])
    page = requests.get(
        f"{api.base_url}/tickets/{filed.number}", params={"token": filed.token}, timeout=10
    ).text
    assert said in page and note not in page
    told = wait_for_mail(lambda m: filed.requester in m["to"] and said in m["text"])[0]
    assert tag(filed.number) in told["subject"] and "Jonas Weber wrote" in told["text"]
    # The triagers hear of the note; nobody outside the team ever does.
    wait_for_mail(lambda m: "mira@example.org" in m["to"] and note in m["text"])
    everything = requests.get(f"{api.base_url}/dev/mail.json", timeout=10).json()["messages"]
    outside = [m for m in everything if not all(a.endswith("@example.org") for a in m["to"])]
    assert all(note not in m["text"] for m in outside)


def test_a_team_members_mail_is_public_only_when_the_requester_was_copied(
    api, tickets, stack_info, wait_for_mail
):
    filed = tickets.triaged(neutral_ticket_body())
    subject = f"Re: [TechOps {tag(filed.number)[:-1]}] {filed.title}"
    # A reply to our mail to Mira about the ticket: its Message-ID proves the mail is hers.
    ours = wait_for_mail(
        lambda m: m["to"] == ["mira@example.org"] and tag(filed.number) in m["subject"]
    )[0]["message_id"]
    quiet = mail(
        "Mira Okafor <mira@example.org>", subject, f"Internal {unique()}", In_Reply_To=ours
    )
    loud = mail(
        "Mira Okafor <mira@example.org>",
        subject,
        f"For you {unique()}",
        Cc=filed.requester,
        In_Reply_To=ours,
    )
    assert "recorded" in smtp_data(stack_info, quiet)
    assert "recorded" in smtp_data(stack_info, loud)

    def both():
        said = [h for h in api.view(filed.number)["history"] if h["kind"] == "ticket.commented"]
        return said if len(said) == 2 else None

    first, second = eventually(both, timeout=20, what="both mails on the ticket")
    by_text = {h["data"]["message"]: h["public"] for h in (first, second)}
    assert by_text == {quiet.get_content().strip(): False, loud.get_content().strip(): True}


def test_a_correction_takes_the_ticket_off_the_public_queue_and_a_new_type_asks_for_more(
    api, tickets, wait_for_mail
):
    filed = tickets.triaged(neutral_ticket_body(security_needs=""))
    assert on_public_queue(api, filed.number)
    view = api.ok(filed.number, "edit", "mira", {"private": True, "reason": "names a person"})
    assert view["private"] is True
    assert not on_public_queue(api, filed.number)  # at once: no wait for a consumer
    assert view["history"][-1]["data"]["changes"] == {"private": {"before": False, "after": True}}

    same = api.act(filed.number, "edit", "mira", {"private": True, "reason": "again"})
    assert (same.status_code, same.json()["error"]) == (422, "nothing changed")

    api.ok(filed.number, "edit", "priya", {"type": "access", "reason": "it is about access"})
    asked = api.wait_for_status(filed.number, "needs-info")
    assert asked["missing"] == ["security_needs"]
    question = wait_for_mail(
        lambda m: filed.requester in m["to"] and "More information" in m["subject"]
    )[0]
    assert "security and access needs" in question["text"]


def test_staff_ask_the_requester_by_hand_for_exactly_what_they_name(api, tickets, wait_for_mail):
    uid = unique()
    filed = tickets.triaged(neutral_ticket_body(uid))
    asking = f"Which room, {uid}?"
    body = {"fields": ["capacity_needs", "drop_dead_date"], "message": asking}
    refused = api.act(filed.number, "request-info", "jonas", body)  # an engineer, not the owner
    assert refused.status_code == 403

    asked = api.ok(filed.number, "request-info", "priya", body)  # the bugmeister
    assert (asked["status"], asked["missing"]) == ("needs-info", body["fields"])
    (question,) = wait_for_mail(lambda m: filed.requester in m["to"] and asking in m["text"])
    assert "More information" in question["subject"]
    assert (
        "capacity and performance needs" in question["text"] and "security" not in question["text"]
    )
    again = api.act(filed.number, "request-info", "priya", body)
    assert again.status_code == 409  # it waits for the requester already


def test_in_the_console_a_triager_comments_and_corrects_without_javascript(
    no_js_page: Page,  # noqa: F811 - the fixture imported above
    api,
    tickets,
    running_stack,
):
    uid = unique()
    filed = tickets.triaged(neutral_ticket_body(uid))
    page = no_js_page
    page.goto(f"/staff/tickets/{filed.number}")
    page.get_by_label("Staff token").fill(staff_token(running_stack, "mira"))
    page.get_by_role("button", name=re.compile("Sign in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Ticket #{filed.number}")

    comment = page.locator("details#action-comment")
    expect(comment.get_by_label("Comment")).to_be_hidden()  # collapsed until opened
    comment.locator("summary").click()
    comment.get_by_label("Comment").fill(f"Asked the office manager {uid}")
    comment.get_by_role("button", name="Comment").click()
    expect(page.get_by_role("status")).to_contain_text("Internal note added")
    expect(page.locator("ol.history li.internal").last).to_contain_text(uid)

    correct = page.locator("details#action-edit")
    correct.locator("summary").click()
    correct.get_by_label("Title").fill(f"Order eight chairs {uid}")
    correct.get_by_label("Reason").fill("two more people")
    correct.get_by_role("button", name="Correct the ticket").click()
    expect(page.get_by_role("status")).to_contain_text("Corrected")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Order eight chairs {uid}")
    expect(page.locator("ol.history li").last).to_contain_text("Title: “E2E")
    assert api.view(filed.number)["title"] == f"Order eight chairs {uid}"
