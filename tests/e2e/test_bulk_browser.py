"""In a real browser (Debian's chromium), with JavaScript off: a triager ticks tickets in the
console's list, rejects them in one step, and reads each ticket's outcome."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from .support import eventually, ticket_body, unique
from .test_browser import staff_token

pytestmark = pytest.mark.e2e


@pytest.fixture
def no_js_page(browser, stack) -> Page:
    context = browser.new_context(java_script_enabled=False, base_url=stack)
    page = context.new_page()
    yield page
    context.close()


def test_a_triager_rejects_ticked_tickets_from_the_list_in_one_step(
    no_js_page: Page, stack, running_stack
):
    uid = unique()
    headers = {"Authorization": f"Bearer {staff_token(running_stack, 'mira')}"}
    numbers = []
    for what in ("Old printer", "Older printer"):
        r = requests.post(
            f"{stack}/api/v1/tickets", json=ticket_body(uid, title=f"{what} {uid}"), timeout=10
        )
        assert r.status_code == 201, r.text
        numbers.append(r.json()["id"])
    first, second = numbers
    rejected = requests.post(
        f"{stack}/api/v1/tickets/{second}/reject",
        json={"reason": f"Gone already {uid}"},
        headers=headers,
        timeout=10,
    )
    assert rejected.status_code == 200, rejected.text

    def indexed():  # the relay indexes the events of the embedded AWS stack in a moment
        r = requests.get(f"{stack}/api/v1/tickets", params={"q": uid}, headers=headers, timeout=10)
        found = {t["number"]: t["status"] for t in r.json()["tickets"]}
        return found if found.get(second) == "rejected" and first in found else None

    eventually(indexed, timeout=20, what=f"the search to find #{first} and #{second}")

    page = no_js_page
    page.goto("/staff/login")
    page.get_by_label("Staff token").fill(staff_token(running_stack, "mira"))
    page.get_by_role("button", name=re.compile("Sign in")).click()
    page.goto(f"/staff/tickets?q=printer+{uid}")
    list_url = page.url

    page.get_by_label(f"Tick #{first}").check()
    page.get_by_label(f"Tick #{second}").check()
    page.get_by_label("Reject", exact=True).check()
    page.get_by_label("Reason (to reject)").fill(f"No printers any more {uid}")
    page.get_by_role("button", name="Apply to the ticked tickets").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reject: 1 done, 1 refused")
    outcomes = page.get_by_role("table", name="Each ticket, in the order ticked")
    expect(outcomes.get_by_role("row", name=re.compile(f"#{first} "))).to_contain_text(
        "Done: now rejected"
    )
    expect(outcomes.get_by_role("row", name=re.compile(f"#{second} "))).to_contain_text(
        "Refused: cannot reject a ticket that is rejected"
    )
    got = requests.get(f"{stack}/api/v1/tickets/{first}", headers=headers, timeout=10).json()
    assert got["status"] == "rejected"
    assert got["history"][-1]["detail"] == f"No printers any more {uid}"

    page.get_by_role("link", name="Back to the list").click()
    assert page.url == list_url
