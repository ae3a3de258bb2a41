"""In a real browser (Debian's chromium), with JavaScript off: a triager finds tickets in the
console by words and filters, reaches a finished one, and keeps the view as a URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

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


def test_a_triager_finds_open_and_finished_tickets_and_keeps_the_view(
    no_js_page: Page, stack, running_stack
):
    uid = unique()
    headers = {"Authorization": f"Bearer {staff_token(running_stack, 'mira')}"}
    numbers = []
    for what in ("Spare fibre", "Spare optics"):
        body = ticket_body(uid, title=f"{what} {uid}")
        r = requests.post(f"{stack}/api/v1/tickets", json=body, timeout=10)
        assert r.status_code == 201, r.text
        numbers.append(r.json()["id"])
    fibre, optics = numbers
    rejected = requests.post(
        f"{stack}/api/v1/tickets/{fibre}/reject",
        json={"reason": f"Ordered elsewhere {uid}"},
        headers=headers,
        timeout=10,
    )
    assert rejected.status_code == 200, rejected.text

    def indexed():  # the relay indexes the events of the embedded AWS stack in a moment
        r = requests.get(f"{stack}/api/v1/tickets", params={"q": uid}, headers=headers, timeout=10)
        found = {t["number"]: t["status"] for t in r.json()["tickets"]}
        return found if found.get(fibre) == "rejected" and optics in found else None

    eventually(indexed, timeout=20, what=f"the search to find #{fibre} and #{optics}")

    page = no_js_page
    page.goto("/staff/login")
    page.get_by_label("Staff token").fill(staff_token(running_stack, "mira"))
    page.get_by_role("button", name=re.compile("Sign in")).click()
    page.goto("/staff/")
    page.get_by_label("Find any ticket, finished ones too").fill(f"spare {uid}")
    page.get_by_role("button", name="Find").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Find tickets")
    results = page.get_by_role("region", name=re.compile("Tickets matching"))
    expect(results.get_by_role("link", name=f"#{fibre}")).to_be_visible()
    expect(results.get_by_role("link", name=f"#{optics}")).to_be_visible()

    # Narrowed to finished tickets: the rejected one alone, and the URL is the view.
    page.get_by_label("Status").select_option("finished")
    page.get_by_role("button", name="Find").click()
    expect(results.get_by_role("link", name=f"#{fibre}")).to_be_visible()
    expect(results.get_by_role("link", name=f"#{optics}")).to_have_count(0)
    view = parse_qs(urlparse(page.url).query)
    assert view["q"] == [f"spare {uid}"] and view["status"] == ["finished"]
    saved = page.url

    download = page.get_by_role("link", name="Download these tickets as CSV")
    csv_query = parse_qs(urlparse(download.get_attribute("href")).query)
    assert csv_query["q"] == [f"spare {uid}"] and csv_query["status"] == ["finished"]

    # The saved view opens again as it was; the finished ticket opens from it.
    page.goto("/staff/")
    page.goto(saved)
    expect(page.get_by_label("Words")).to_have_value(f"spare {uid}")
    expect(page.get_by_label("Status")).to_have_value("finished")
    results.get_by_role("link", name=f"#{fibre}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Ticket #{fibre}")

    # A bad filter in a hand-edited URL is named beside its field.
    page.goto(saved.replace("status=finished", "status=sleeping"))
    expect(page.get_by_role("alert")).to_contain_text("Please fix 1 problem")
    expect(page.locator("#f-status-error")).to_be_visible()
