"""In a real browser (Debian's chromium), with JavaScript off: a requester files a ticket
through the form, and an engineer signs in to the console and takes a ticket."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from .support import eventually, ticket_body, unique

pytestmark = pytest.mark.e2e


@pytest.fixture
def context_args(browser_context_args):
    return browser_context_args


@pytest.fixture
def no_js_page(browser, stack) -> Page:
    # The pages must work without JavaScript: the browser runs with it switched off.
    context = browser.new_context(java_script_enabled=False, base_url=stack)
    page = context.new_page()
    yield page
    context.close()


def staff_token(running_stack, member: str) -> str:
    found = re.search(rf"^\s+{member}\s+(rtf_\S+)$", running_stack.output(), re.MULTILINE)
    assert found, f"the stack printed no token for {member}"
    return found.group(1)


def test_a_requester_files_a_ticket_with_the_form(no_js_page: Page):
    page = no_js_page
    uid = unique()
    page.goto("/")
    page.get_by_role("link", name="General request").click()
    page.get_by_label("Short description").fill(f"Browser {uid}: a new VLAN")
    page.get_by_label("Requirements").fill("A VLAN for the lab racks, routed to the office.")
    page.get_by_label("End state").fill("Lab hosts reach the office network.")
    page.get_by_label("Acceptance criteria").fill(
        "ping from lab1 to office1 works\nno other VLAN changes"
    )
    page.get_by_label("Your name").fill("Robin <b>Browser</b>")
    page.get_by_label("Your email").fill("not-an-address")
    page.get_by_role("button", name="File the ticket").click()

    # Refused: the message sits by the field, and what was typed is still there.
    expect(page.get_by_role("alert")).to_contain_text("Please fix 1 problem")
    expect(page.locator("#requester_email-error")).to_be_visible()
    expect(page.get_by_label("Short description")).to_have_value(f"Browser {uid}: a new VLAN")
    expect(page.get_by_label("Your name")).to_have_value("Robin <b>Browser</b>")

    page.get_by_label("Your email").fill(f"robin-{uid}@example.org")
    page.get_by_role("button", name="File the ticket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Ticket #\d+ filed"))
    page.locator("p.link a").click()  # the private status link
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Browser {uid}: a new VLAN")
    expect(page.locator("dd", has_text="Robin <b>Browser</b>")).to_be_visible()  # shown as text


def test_an_engineer_signs_in_to_the_console_and_takes_a_ticket(
    no_js_page: Page, stack, running_stack
):
    body = ticket_body(
        unique(),
        type="general",
        title=f"Browser take {unique()}",
        requirements="Tidy the wiki's old change log page for the team.",
    )
    r = requests.post(f"{stack}/api/v1/tickets", json=body, timeout=10)
    assert r.status_code == 201, r.text
    number = r.json()["id"]
    headers = {"Authorization": f"Bearer {staff_token(running_stack, 'mira')}"}

    def triaged():
        view = requests.get(f"{stack}/api/v1/tickets/{number}", headers=headers, timeout=10).json()
        return view if view["status"] != "new" else None

    ticket = eventually(triaged, timeout=15, what=f"triage of #{number}")
    assert ticket["status"] == "triaged" and ticket["owner"] is None, ticket

    page = no_js_page
    page.goto(f"/staff/tickets/{number}")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    page.get_by_label("Staff token").fill("rtf_jonas_not-a-real-token-at-all-000")
    page.get_by_role("button", name=re.compile("Sign in")).click()
    expect(page.get_by_role("alert")).to_be_visible()

    page.get_by_label("Staff token").fill(staff_token(running_stack, "jonas"))
    page.get_by_role("button", name=re.compile("Sign in")).click()
    page.goto("/staff/")
    expect(page.get_by_role("link", name=f"#{number}").first).to_be_visible()
    page.get_by_role("link", name=f"#{number}").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Ticket #{number}")
    page.get_by_role("button", name="Take this ticket").click()
    expect(page.get_by_role("status")).to_contain_text("Taken")

    after = requests.get(f"{stack}/api/v1/tickets/{number}", headers=headers, timeout=10).json()
    assert (after["status"], after["owner"]) == ("assigned", "jonas")
    page.goto("/staff/mine")
    expect(page.get_by_role("link", name=f"#{number}").first).to_be_visible()
