"""Watchers and merging on the console's ticket page: its sections and forms, CSRF, refusals
shown on the page in words, and every user text escaped."""

from __future__ import annotations

from tests.integration.console_helpers import UNOWNED, XSS, csrf_from, file, sign_in


def test_the_ticket_page_shows_the_watchers_and_mira_may_merge(container, mira):
    number = file(container, cc=["lee@example.org"])
    page = mira.get(f"/staff/tickets/{number}").text
    assert '<details class="action" id="action-watchers"' in page
    assert "Watchers (1)" in page and 'value="lee@example.org"' in page
    assert f'action="/staff/tickets/{number}/merge"' in page
    assert page.count('name="csrf_token"') == page.count("<form ")


def test_an_engineer_sees_the_watchers_but_no_merge(container, client):
    number = file(container)
    sign_in(client, container.staff_tokens.issue("tomas"))
    page = client.get(f"/staff/tickets/{number}").text
    assert f'action="/staff/tickets/{number}/watchers"' in page
    assert f'action="/staff/tickets/{number}/merge"' not in page


def post_form(client, number: int, path: str, **fields):
    page = client.get(f"/staff/tickets/{number}").text
    return client.post(
        f"/staff/tickets/{number}/{path}", data={"csrf_token": csrf_from(page), **fields}
    )


def test_staff_add_and_remove_watchers_by_the_form(container, mira):
    number = file(container, cc=["lee@example.org"])
    response = post_form(
        mira, number, "watchers", add="kim@example.org\nsam@example.org", remove="lee@example.org"
    )
    assert response.status_code == 303
    assert container.tickets.get(number).watchers == ["kim@example.org", "sam@example.org"]
    assert "Watchers changed" in mira.get(response.headers["Location"]).text
    forged = mira.post(f"/staff/tickets/{number}/watchers", data={"add": "x@example.org"})
    assert forged.status_code == 400


def test_a_bad_address_comes_back_in_the_open_watchers_form(container, mira):
    number = file(container)
    response = post_form(mira, number, "watchers", add=f"kim@example.org\n{XSS}")
    assert response.status_code == 422
    page = response.text
    assert '<details class="action" id="action-watchers" open>' in page
    assert 'id="watchers-add-error"' in page and 'href="#watchers-add"' in page
    assert "&lt;script&gt;evil()&lt;/script&gt;" in page and XSS not in page
    assert container.tickets.get(number).watchers == []


def test_a_duplicate_is_merged_by_the_form_and_then_points_to_its_target(container, mira):
    target, duplicate = file(container, **UNOWNED), file(container, title=XSS)
    response = post_form(mira, duplicate, "merge", into=f"#{target}")
    assert response.status_code == 303
    page = mira.get(response.headers["Location"]).text
    assert f"Merged into #{target}" in page
    assert f'<a href="/staff/tickets/{target}">#{target}</a>' in page
    assert f'action="/staff/tickets/{duplicate}/merge"' not in page
    target_page = mira.get(f"/staff/tickets/{target}").text
    assert "A duplicate was merged into this ticket" in target_page
    assert "&lt;script&gt;" in target_page and XSS not in target_page


def test_a_merge_refused_says_why_on_the_page(container, mira):
    number = file(container)
    missing = post_form(mira, number, "merge", into="999")
    assert missing.status_code == 422
    assert 'id="merge-into-error"' in missing.text and "there is no ticket #999" in missing.text
    itself = post_form(mira, number, "merge", into=str(number))
    assert itself.status_code == 409
    assert "cannot be merged into itself" in itself.text
    assert container.tickets.get(number).merged_into is None
