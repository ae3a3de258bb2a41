"""In a real browser (Debian's chromium) with JavaScript off: a requester who filed through the
API signs in by the link mailed to them, finds the ticket under "my tickets" (its title shown
as text, never as markup) and writes to the team from its page. The link works once."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import Page, expect

from .support import ticket_body, unique

pytestmark = pytest.mark.e2e

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def no_js_page(browser, stack) -> Page:
    context = browser.new_context(java_script_enabled=False, base_url=stack)
    page = context.new_page()
    yield page
    context.close()


def test_a_requester_signs_in_by_link_sees_my_tickets_and_replies(
    no_js_page: Page, browser, stack, wait_for_mail
):
    uid = unique()
    email = f"me-{uid}@example.com"
    title = f"Self-service {uid} {SCRIPT}"
    r = requests.post(
        f"{stack}/api/v1/tickets",
        json=ticket_body(uid, title=title, requester={"name": f"Me {uid}", "email": email}),
        timeout=10,
    )
    assert r.status_code == 201, r.text
    number = r.json()["id"]
    token = parse_qs(urlsplit(r.json()["status_url"]).query)["token"][0]

    page = no_js_page
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/me/sign-in$"))
    page.get_by_label("Your mail address").fill("not an address")
    page.get_by_role("button", name="Mail me a sign-in link").click()
    expect(page.locator("#email-error")).to_be_visible()

    page.get_by_label("Your mail address").fill(email.upper())
    page.get_by_role("button", name="Mail me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")

    [mail] = wait_for_mail(lambda m: email in m["to"] and "sign-in link" in m["subject"], 15)
    assert mail["text"] and mail["html"]
    link = re.search(r"(http://\S+/me/link\?token=\S+)", mail["text"]).group(1)
    assert link.startswith(stack)

    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My tickets")
    expect(page.get_by_text(f"Signed in as {email}")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"#{number}"))
    expect(row).to_contain_text(title)  # the markup is text on the page
    assert "<script>alert(1)" not in page.content()

    page.get_by_role("link", name=f"#{number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ticket #{number}: {title}")
    page.get_by_label("Your message").fill(f"Any news? {uid}")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Sent: the team has your message.")
    expect(page.locator("ol.history")).to_contain_text(f"Any news? {uid}")

    view = requests.get(
        f"{stack}/api/v1/tickets/{number}", params={"token": token}, timeout=10
    ).json()
    replies = [h for h in view["history"] if h["kind"] == "ticket.replied"]
    assert [h["detail"] for h in replies] == [f"Any news? {uid}"]

    # The link was spent: in another browser it signs nobody in.
    other = browser.new_context(java_script_enabled=False, base_url=stack)
    try:
        again = other.new_page()
        again.goto(link)
        again.get_by_role("button", name="Sign in").click()
        expect(again.get_by_role("heading", level=1)).to_have_text("This link cannot sign you in")
        again.goto("/me/")
        expect(again).to_have_url(re.compile(r"/me/sign-in$"))
    finally:
        other.close()

    # Signing out ends the session.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/me/sign-in$"))
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
