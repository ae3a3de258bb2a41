"""Bulk actions in the staff console: the lists' checkboxes and bulk form, and the result
page, ticket by ticket; CSRF, refusals in words, every user text escaped."""

from __future__ import annotations

import re

from tests.integration.console_helpers import UNOWNED, XSS, act_as, csrf_from, file


def bulk(client, list_path: str, **fields):
    page = client.get(list_path).text
    return client.post("/staff/bulk", data={"csrf_token": csrf_from(page), **fields})


def test_the_lists_tick_tickets_for_the_bulk_form(container, mira):
    number = file(container, **UNOWNED)
    for path in ("/staff/", "/staff/tickets?status=open"):
        page = mira.get(path).text
        assert f'name="tickets" value="{number}" form="bulk-form"' in page
        assert '<form method="post" action="/staff/bulk" id="bulk-form"' in page
    assert (
        'name="back" value="/staff/tickets?status=open"'
        in mira.get("/staff/tickets?status=open").text
    )


def test_a_bulk_reject_from_the_list_shows_each_tickets_outcome(container, mira):
    a, b = file(container, **UNOWNED), file(container, title=XSS)
    act_as(container, "mira", b, "reject", {"reason": "spam"})
    response = mira.post(
        "/staff/bulk",
        data={
            "csrf_token": csrf_from(mira.get("/staff/").text),
            "tickets": [str(a), str(b)],
            "action": "reject",
            "reason": "Out of scope",
            "owner": "jonas",
            "back": "/staff/tickets?status=open",
        },
    )
    assert response.status_code == 200
    page = response.text
    assert "Reject: 1 done, 1 refused" in page
    assert "Done: now rejected" in page
    assert "Refused:</strong> cannot reject a ticket that is rejected" in page
    assert "&lt;script&gt;evil()&lt;/script&gt;" in page and XSS not in page
    assert '<a href="/staff/tickets?status=open">Back to the list</a>' in page
    assert container.tickets.get(a).status.value == "rejected"
    assert container.tickets.get(a).owner is None  # the owner field is assign's, not read


def test_a_bulk_comment_is_internal_unless_chosen_public(container, mira):
    a = file(container, **UNOWNED)
    response = bulk(mira, "/staff/", tickets=str(a), action="comment", message="Batch note")
    assert response.status_code == 200 and "1 done, 0 refused" in response.text
    last = container.tickets.history(a)[-1]
    assert (last.kind, last.public, last.data["message"]) == (
        "ticket.commented",
        False,
        "Batch note",
    )


def test_a_bulk_action_that_cannot_start_changes_nothing_and_says_why(container, mira):
    a = file(container, **UNOWNED)
    nothing = bulk(mira, "/staff/", action="close", back="https://evil.example/")
    assert nothing.status_code == 422
    assert "choose at least one ticket" in nothing.text
    assert '<a href="/staff/">Back to the list</a>' in nothing.text
    no_reason = bulk(mira, "/staff/", tickets=str(a), action="reject")
    assert no_reason.status_code == 422 and "reason: is required" in no_reason.text
    assert container.tickets.get(a).status.value == "triaged"
    forged = mira.post("/staff/bulk", data={"tickets": str(a), "action": "close"})
    assert forged.status_code == 400
    assert re.search(r"<h1>Nothing was done</h1>", nothing.text)
