"""The console's ticket page on a SQLite home of its own (the pages, not the store, are under
test here; see sqlite_container): everything it shows, the actions the status
allows, and its forms: CSRF and referrer checks, field conversion, and the refusals (400,
403, 409, 422) shown on the page; every user text escaped."""

from __future__ import annotations

import html
import re

import pytest

from services.intake.app import create_app
from tests.conftest import valid_ticket
from tests.integration.console_helpers import (
    FOR_MIRA,
    UNOWNED,
    XSS,
    act_as,
    csrf_from,
    file,
    post_action,
)


@pytest.fixture
def container(sqlite_container):
    return sqlite_container


# -- the ticket page and its forms ----------------------------------------------------------


def test_the_ticket_page_shows_everything_and_only_the_actions_the_status_allows(container, mira):
    number = file(container, **FOR_MIRA)
    act_as(
        container,
        "mira",
        number,
        "update",
        {"message": "Working on it", "reason": "quiet", "public": False},
    )
    page = mira.get(f"/staff/tickets/{number}").text
    assert "Complexity" in page and "security or access needs (+2)" in page
    assert "dns" in page
    assert "internal" in page and "Working on it" in page
    for action in ("start", "update", "escalate", "resolve", "reject", "return-to-triage"):
        assert f'action="/staff/tickets/{number}/{action}"' in page
    for action in ("take", "reopen", "close", "accept-escalation"):
        assert f'action="/staff/tickets/{number}/{action}"' not in page
    assert page.count('name="csrf_token"') == page.count("<form ")


def test_taking_a_ticket_through_the_console_form(container, mira):
    number = file(container, **UNOWNED)
    response = post_action(mira, number, "take")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/tickets/{number}"
    assert container.tickets.get(number).owner == "mira"
    page = mira.get(response.headers["Location"]).text
    assert "Taken" in page
    assert f'action="/staff/tickets/{number}/take"' not in page


def test_a_post_without_the_csrf_token_is_400_and_changes_nothing(container, mira):
    number = file(container, **UNOWNED)
    response = mira.post(f"/staff/tickets/{number}/take")
    assert response.status_code == 400
    assert "CSRF token is missing" in response.text
    forged = mira.post(f"/staff/tickets/{number}/take", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert container.tickets.get(number).owner is None


def test_over_https_console_forms_pass_the_referrer_check(container, mira):
    # Flask-WTF wants a same-origin Referer on HTTPS posts; the console pages allow sending it.
    number = file(container, **UNOWNED)
    https = "https://localhost"
    page = mira.get(f"/staff/tickets/{number}", base_url=https)
    assert page.headers["Referrer-Policy"] == "same-origin"
    data = {"csrf_token": csrf_from(page.text)}
    path = f"/staff/tickets/{number}/take"
    refused = mira.post(path, data=data, base_url=https)
    assert refused.status_code == 400
    assert "referrer header is missing" in refused.text
    taken = mira.post(
        path, data=data, base_url=https, headers={"Referer": f"{https}/staff/tickets/{number}"}
    )
    assert taken.status_code == 303
    assert container.tickets.get(number).owner == "mira"


def test_the_session_cookie_is_secure_when_the_site_is_https(container):
    assert create_app(container).config["SESSION_COOKIE_SECURE"] is False
    container.settings = container.settings.model_copy(
        update={"base_url": "https://rt.example.org"}
    )
    assert create_app(container).config["SESSION_COOKIE_SECURE"] is True


def test_the_public_form_and_the_api_need_no_csrf_token(client):
    api = client.post("/api/v1/tickets", json=valid_ticket())
    assert api.status_code == 201
    form = client.post("/tickets/new", data={"title": ""})
    assert form.status_code == 422


def test_taking_over_the_wip_limit_shows_the_refusal_with_409(container, mira):
    for _ in range(3):
        file(container, **FOR_MIRA)
    number = file(container, **UNOWNED)
    response = post_action(mira, number, "take")
    assert response.status_code == 409
    assert 'role="alert"' in response.text
    assert "mira already has 3 open tickets, their WIP limit" in response.text
    assert container.tickets.get(number).owner is None


def test_resolving_with_an_unchecked_criterion_names_the_field_with_422(container, mira):
    number = file(container, **FOR_MIRA)
    response = post_action(mira, number, "resolve", checked="0", summary="Record added")
    assert response.status_code == 422
    page = response.text
    assert 'role="alert"' in page
    assert 'id="resolve-checked-error"' in page
    assert (
        "tick every acceptance criterion to resolve; not ticked yet: 2. Analysts can log in" in page
    )
    assert re.search(r'id="resolve-checked-0"[^>]*\schecked>', page)  # what was ticked stays
    assert not re.search(r'id="resolve-checked-1"[^>]*\schecked>', page)
    assert "Record added</textarea>" in page

    done = post_action(mira, number, "resolve", checked=["0", "1"], summary="Record added")
    assert done.status_code == 303
    assert container.tickets.get(number).status == "resolved"


def test_forms_convert_their_fields_for_the_actions(container, mira):
    number = file(container, **FOR_MIRA)
    update = post_action(
        mira, number, "update", message="Half done", eta="", reason="waiting on the vendor"
    )
    assert update.status_code == 303
    event = container.tickets.history(number)[-1]
    assert event.data["eta"] is None and event.public is False  # unchecked box: internal

    bad_link = post_action(mira, number, "link", depends_on="soon")
    assert bad_link.status_code == 422
    assert 'id="link-depends_on-error"' in bad_link.text
    assert 'value="soon"' in bad_link.text

    split = post_action(
        mira,
        number,
        "split",
        **{
            "child-0-title": "Create the record",
            "child-0-requirements": "Add the CNAME in the zone file.",
            "child-0-criteria": "dig answers\n\nTTL is 300\n",
            "child-0-owner": "mira",
            "child-1-title": "",
            "child-1-requirements": "",
            "child-2-title": "Check monitoring",
            "child-2-requirements": "Alert when the record disappears.",
        },
    )
    assert split.status_code == 303
    children = container.tickets.get(number).children
    assert len(children) == 2
    first = container.tickets.get(children[0])
    assert first.acceptance_criteria == ["dig answers", "TTL is 300"]
    assert first.owner == "mira"
    assert container.tickets.get(children[1]).owner is None
    assert (
        "Split into " + ", ".join(f"#{n}" for n in children)
        in mira.get(f"/staff/tickets/{number}").text
    )


def test_a_forbidden_action_comes_back_with_403(container, mira):
    number = file(
        container,
        title="Restore the MySQL backup",
        requirements="Restore last night's mysql backup of the wiki database.",
    )
    assert container.tickets.get(number).owner == "priya"
    response = post_action(mira, number, "start")
    assert response.status_code == 403
    assert "only the owner may start" in response.text


def test_user_text_is_escaped_on_every_console_page(container, mira):
    evil = {"requester": {"name": XSS, "email": "eve@example.org"}}
    unowned = file(container, title=f"Plants {XSS}", requirements=UNOWNED["requirements"], **evil)
    owned = file(container, title=f"DNS {XSS}", requirements=FOR_MIRA["requirements"], **evil)
    act_as(container, "mira", owned, "update", {"message": XSS, "reason": XSS})
    act_as(container, "mira", owned, "escalate", {"to": "ada", "reason": XSS})

    pages = {
        "/staff/": 2,
        "/staff/mine": 1,
        "/staff/agenda": 2,
        f"/staff/tickets/{unowned}": 1,
        f"/staff/tickets/{owned}": 1,
    }
    for path, at_least in pages.items():
        page = mira.get(path).text
        assert "<script" not in page, path
        assert page.count(html.escape(XSS)) >= at_least, path

    # A form rendered again with what was typed escapes it too.
    response = post_action(mira, owned, "update", message=XSS, eta="yesterday", reason="")
    assert response.status_code == 422
    assert "<script" not in response.text
    assert html.escape(XSS) in response.text


def test_postponing_from_the_console_reads_the_time_in_the_team_zone_and_waking_brings_it_back(
    container, mira
):
    number = file(container, **UNOWNED)
    post_action(mira, number, "take")
    page = mira.get(f"/staff/tickets/{number}").text
    assert "Europe/Amsterdam" in page  # the form says whose clock it reads
    response = post_action(
        mira,
        number,
        "postpone",
        until="2027-02-03T09:00",
        reason="Waiting for the vendor",
        public="on",
    )
    assert response.status_code == 303, response.text
    ticket = container.tickets.get(number)
    assert ticket.status.value == "postponed"
    assert ticket.postponed_until.isoformat() == "2027-02-03T08:00:00+00:00"  # 09:00 CET
    assert "postponed until" in mira.get(f"/staff/tickets/{number}").text

    assert post_action(mira, number, "wake").status_code == 303
    assert container.tickets.get(number).status.value == "assigned"
