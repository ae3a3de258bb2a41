"""The console's ticket page on a SQLite home of its own (the pages, not the store, are under
test here; see sqlite_container): compact (each action a collapsed <details>, the
one-click ones buttons, the ticket and its history always shown), and its comment, request
and correction forms: what they send, what comes back when refused (the section open, the
field named, what was typed kept), and every user text escaped."""

from __future__ import annotations

import html
import re

import pytest

from services.intake.console.ticket import ACTION_LABELS
from tests.integration.console_helpers import (
    FOR_MIRA,
    UNOWNED,
    XSS,
    act_as,
    file,
    post_action,
    sign_in,
)


@pytest.fixture
def container(sqlite_container):
    return sqlite_container


def details(page: str) -> dict[str, str]:
    """Each <details> section of the page by its id, with its opening tag's attributes."""
    return dict(re.findall(r'<details class="action" id="action-([\w-]+)"([^>]*)>', page))


def test_each_action_is_a_collapsed_section_and_the_ticket_stays_in_view(container, mira):
    number = file(container, **FOR_MIRA)  # mira owns it: assigned
    page = mira.get(f"/staff/tickets/{number}").text
    sections = details(page)
    assert {"update", "comment", "request-info", "edit", "resolve", "escalate"} <= set(sections)
    assert all("open" not in attrs for attrs in sections.values())
    # One click, nothing to fill in: a button, not a section.
    assert "start" not in sections and f'action="/staff/tickets/{number}/start"' in page
    # The ticket and its history are outside every section, never collapsed.
    outside = re.sub(r"<details.*?</details>", "", page, flags=re.S)
    for shown in ("<h2>Details</h2>", "<h2>History</h2>", FOR_MIRA["requirements"], "Triage"):
        assert shown in outside
    assert page.count('name="csrf_token"') == page.count("<form ")


def test_an_engineer_who_does_not_own_it_may_comment_and_nothing_more(container, client):
    number = file(container, **FOR_MIRA)
    sign_in(client, container.staff_tokens.issue("jonas"))
    sections = details(client.get(f"/staff/tickets/{number}").text)
    assert set(sections) & set(ACTION_LABELS) == {"comment"}  # of the ticket's own actions


def test_a_comment_is_an_internal_note_unless_the_requester_is_chosen(container, mira):
    number = file(container, **UNOWNED)
    response = post_action(mira, number, "comment", message="Vendor says Friday")
    assert response.status_code == 303
    page = mira.get(response.headers["Location"]).text
    assert "Internal note added" in page
    event = container.tickets.history(number)[-1]
    assert (event.kind, event.public, event.data["message"]) == (
        "ticket.commented",
        False,
        "Vendor says Friday",
    )
    post_action(mira, number, "comment", message="Moving them on Friday", visibility="public")
    assert container.tickets.history(number)[-1].public is True
    assert "Sent to the requester" in mira.get(f"/staff/tickets/{number}").text


def test_a_refused_form_comes_back_open_with_the_field_named(container, mira):
    number = file(container, **UNOWNED)
    response = post_action(mira, number, "comment", message="  ", visibility="public")
    assert response.status_code == 422
    assert "open" in details(response.text)["comment"]
    assert 'id="comment-message-error"' in response.text
    assert 'href="#comment-message"' in response.text
    assert 'id="comment-public" name="visibility" type="radio" value="public" checked' in (
        response.text
    )

    asked = post_action(mira, number, "request-info", message="Which floor?")
    assert asked.status_code == 422
    assert "open" in details(asked.text)["request-info"]
    assert 'href="#request-info-fields"' in asked.text and "Which floor?" in asked.text


def test_asking_the_requester_from_the_console(container, mira):
    number = file(container, **UNOWNED)
    response = post_action(
        mira,
        number,
        "request-info",
        fields=["end_state", "nice_to_have_date"],
        message="Which floor, and by when?",
    )
    assert response.status_code == 303
    ticket = container.tickets.get(number)
    assert (ticket.status.value, ticket.missing) == (
        "needs-info",
        ["end_state", "nice_to_have_date"],
    )
    page = mira.get(f"/staff/tickets/{number}").text
    assert "Missing: end state, nice to have date · Which floor, and by when?" in page


def test_the_correction_form_shows_the_ticket_as_it_is_and_records_what_changed(container, mira):
    number = file(container, **FOR_MIRA)
    page = mira.get(f"/staff/tickets/{number}").text
    assert f'id="edit-title" name="title" type="text" value="{FOR_MIRA["title"]}"' in page
    assert "The replica lags less than 60 s\nAnalysts can log in</textarea>" in page
    ticket = container.tickets.get(number)
    form = {
        "title": "A CNAME for the new wiki",
        "requirements": ticket.requirements,
        "end_state": ticket.end_state,
        "acceptance_criteria": "\n".join(ticket.acceptance_criteria),
        "drop_dead_date": ticket.drop_dead_date.isoformat(),
        "nice_to_have_date": ticket.nice_to_have_date.isoformat(),
        "capacity_needs": ticket.capacity_needs,
        "security_needs": ticket.security_needs,
        "dependencies": "\n".join(ticket.dependencies),
        "type": ticket.type,
        "private": "on",
        "reason": "It holds host names",
    }
    assert post_action(mira, number, "edit", **form).status_code == 303
    ticket = container.tickets.get(number)
    assert (ticket.title, ticket.private) == ("A CNAME for the new wiki", True)
    page = mira.get(f"/staff/tickets/{number}").text
    assert "Corrected" in page and "Made private" in page and "It holds host names" in page

    again = post_action(mira, number, "edit", **form)
    assert again.status_code == 422
    assert "nothing changed" in again.text and "open" in details(again.text)["edit"]

    bad = post_action(mira, number, "edit", **form | {"drop_dead_date": "someday", "reason": "x"})
    assert bad.status_code == 422
    assert 'id="edit-drop_dead_date-error"' in bad.text and 'value="someday"' in bad.text
    assert container.tickets.get(number).drop_dead_date == ticket.drop_dead_date


def test_what_people_typed_is_escaped_in_the_forms_and_the_history(container, mira):
    number = file(container, **FOR_MIRA)
    act_as(container, "priya", number, "comment", {"message": XSS})
    act_as(container, "mira", number, "edit", {"end_state": XSS, "reason": XSS})
    refused = post_action(mira, number, "edit", title=XSS, requirements="", reason=XSS)
    assert refused.status_code == 422
    for page in (mira.get(f"/staff/tickets/{number}").text, refused.text):
        assert "<script" not in page
        assert page.count(html.escape(XSS)) >= 3
