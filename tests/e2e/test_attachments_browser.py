"""In a real browser (Debian's chromium) with JavaScript off, on the embedded AWS stack (the
files in its bucket): a requester attaches a file on the filing form, finds it on the status
page and downloads it as a file, and adds another there; an engineer sees both on the
console's ticket page and adds one the requester never sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .support import unique
from .test_browser import staff_token

pytestmark = pytest.mark.e2e


@pytest.fixture
def no_js_page(browser, stack) -> Page:
    context = browser.new_context(java_script_enabled=False, base_url=stack, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def test_files_on_the_form_the_status_page_and_the_console(no_js_page: Page, running_stack):
    page, uid = no_js_page, unique()
    page.goto("/tickets/new?type=general")
    page.get_by_label("Short description").fill(f"Files {uid}: the backup failed")
    page.get_by_label("Requirements").fill("Find out why last night's backup failed.")
    page.get_by_label("End state").fill("Backups run again.")
    page.get_by_label("Acceptance criteria").fill("tonight's backup completes")
    page.get_by_label("Your name").fill("Robin")
    page.get_by_label("Your email").fill(f"robin-{uid}@example.org")
    page.get_by_label(re.compile("^Attach files")).set_input_files(
        [{"name": "backup.log", "mimeType": "text/plain", "buffer": b"ERROR: disk full\n"}]
    )
    page.get_by_role("button", name="File the ticket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Ticket #\d+ filed"))
    number = re.search(r"#(\d+)", page.get_by_role("heading", level=1).inner_text()).group(1)

    page.locator("p.link a").click()
    files = page.locator("#attachments")
    with page.expect_download() as download:
        files.get_by_role("link", name="backup.log").click()
    assert download.value.suggested_filename == "backup.log"
    assert Path(download.value.path()).read_bytes() == b"ERROR: disk full\n"

    files.get_by_label("Add files").set_input_files(
        [{"name": "df.txt", "mimeType": "text/plain", "buffer": b"/srv 100%\n"}]
    )
    files.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("status")).to_contain_text("Attached")
    expect(page.locator("#attachments").get_by_role("link", name="df.txt")).to_be_visible()
    status_page = page.url

    page.goto("/staff/login")
    page.get_by_label("Staff token").fill(staff_token(running_stack, "mira"))
    page.get_by_role("button", name=re.compile("Sign in")).last.click()
    page.goto(f"/staff/tickets/{number}")
    console = page.locator("#attachments")
    expect(console.get_by_role("link", name="backup.log")).to_be_visible()
    expect(console.get_by_role("link", name="df.txt")).to_be_visible()
    console.get_by_text("Add files", exact=True).click()  # the form is collapsed, as actions are
    console.get_by_label("Files to add").set_input_files(
        [{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"ours"}]
    )
    console.get_by_label("The team only (internal)").check()
    console.get_by_role("button", name="Attach").click()
    expect(page.locator("#attachments")).to_contain_text("the team only")

    page.goto(status_page)
    expect(page.locator("#attachments").get_by_role("link", name="df.txt")).to_be_visible()
    expect(page.locator("#attachments")).not_to_contain_text("notes.txt")
