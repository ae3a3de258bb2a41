"""The public queue in a real browser (Debian's chromium) with JavaScript off: a public and a
private ticket filed through the API; the queue, filtered by type with the form, shows the
public one (its markup as text) and never the private one."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from .support import ticket_body, unique

pytestmark = pytest.mark.e2e


@pytest.fixture
def no_js_page(browser, stack) -> Page:
    context = browser.new_context(java_script_enabled=False, base_url=stack)
    page = context.new_page()
    yield page
    context.close()


def file(stack: str, **overrides) -> int:
    r = requests.post(f"{stack}/api/v1/tickets", json=ticket_body(**overrides), timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_the_public_queue_filters_by_type_and_never_shows_a_private_ticket(no_js_page: Page, stack):
    uid = unique()
    public_title = f"Queue {uid}: a <b>read</b> replica for reports"
    private_title = f"Queue {uid}: restore the payroll database"
    public = file(stack, type="database", title=public_title)
    private = file(stack, type="database", title=private_title, private=True)
    file(stack, type="general", title=f"Queue {uid}: a general one")

    page = no_js_page
    page.goto("/")
    page.get_by_role("link", name="Public queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public queue")

    # The form: every control has its label; the newest first keeps ours on page one.
    page.get_by_label("Type").select_option(label="Database request")
    page.get_by_label("Sort").select_option("newest")
    page.get_by_label("Tickets per page").select_option("100")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/queue\?.*type=database"))

    table = page.get_by_role("table")
    expect(table.get_by_role("caption")).to_contain_text("type Database request")
    row = page.locator(f"#ticket-{public}")
    expect(row).to_be_visible()
    expect(row.get_by_role("cell", name=public_title, exact=True)).to_be_visible()  # literally
    expect(page.locator("table b")).to_have_count(0)  # the markup is text, not a <b>
    expect(row).to_contain_text("Database request")
    expect(page.get_by_text(private_title)).to_have_count(0)
    expect(page.locator(f"#ticket-{private}")).to_have_count(0)
    expect(page.get_by_text(f"Queue {uid}: a general one")).to_have_count(0)  # filtered out

    # The number links to the ticket's own row on the queue (never the private status page).
    row.get_by_role("link", name=f"#{public}").click()
    expect(page).to_have_url(re.compile(rf"/queue\?ticket={public}#ticket-{public}$"))
    expect(page.locator(f"#ticket-{private}")).to_have_count(0)
    page.goto(f"/queue?ticket={private}")
    expect(page.get_by_text(f"No public ticket #{private}.")).to_be_visible()

    # A bad filter comes back next to the form, not as an error page.
    page.goto("/queue?owner=nobody-at-all")
    expect(page.get_by_role("alert")).to_contain_text("unknown team member")
    expect(page.get_by_label("Owner")).to_be_visible()
