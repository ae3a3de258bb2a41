"""The staff console over the real adapters (emulator): sign-in, the lists, the ticket page's
forms with CSRF tokens, the errors the domain sends back, and escaping of user text."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from services.application import actions
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.triage import TriageDeps, triage
from services.domain.actors import Actor
from services.intake.app import create_app
from tests.conftest import valid_ticket

# Words that match no skill in the example flow: triage leaves the ticket unowned.
UNOWNED = {
    "title": "Move the office plants",
    "requirements": "Please move the office plants to the kitchen on the third floor.",
}
# DNS words: Mira is the one obvious owner.
FOR_MIRA = {
    "title": "Add a DNS record for the new wiki",
    "requirements": "Create a CNAME record pointing wiki-new at the load balancer.",
}
XSS = "<script>evil()</script>"  # no skill words: routing stays as for the plain text


@pytest.fixture
def app(container):
    return create_app(container)


@pytest.fixture
def client(app):
    return app.test_client()


def issue(container, member: str) -> str:
    return container.staff_tokens.issue(member)


@pytest.fixture
def mira_token(container):
    return issue(container, "mira")


@pytest.fixture
def mira(client, mira_token):
    """A client signed in as Mira (triager and engineer, WIP limit 3)."""
    response = sign_in(client, mira_token)
    assert response.status_code == 303, response.text
    return client


def csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, token: str, next_path: str | None = None):
    page = client.get("/staff/login").text
    data = {"csrf_token": csrf_from(page), "token": token}
    if next_path:
        data["next"] = next_path
    return client.post("/staff/login", data=data)


def post_action(client, number: int, action: str, **fields):
    page = client.get(f"/staff/tickets/{number}").text
    return client.post(
        f"/staff/tickets/{number}/{action}", data={"csrf_token": csrf_from(page), **fields}
    )


def file(container, *, triaged: bool = True, **overrides) -> int:
    filed = file_ticket(
        valid_ticket(**overrides),
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    )
    if triaged:
        triage(filed.ticket.number, TriageDeps(container.tickets, container.flow, container.clock))
    return filed.ticket.number


def act_as(container, member: str, number: int, action: str, body: dict | None = None):
    deps = TicketDeps(
        tickets=container.tickets,
        flow=container.flow,
        clock=container.clock,
        secret_key=container.settings.secret_key,
    )
    actor = Actor.staff(container.flow.member(member))
    return actions.perform(number, action, body or {}, actor, deps)


def section(page: str, labelled_by: str) -> str:
    start = page.index(f'<section aria-labelledby="{labelled_by}"')
    return page[start : page.index("</section>", start)]


def listed(part: str, number: int) -> bool:
    return f">#{number}</a>" in part


# -- signing in ----------------------------------------------------------------------------


def test_a_good_token_signs_in_and_the_cookie_holds_no_token(app, client, mira_token):
    response = sign_in(client, mira_token)
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert data["staff"]["member"] == "mira"
    assert mira_token not in repr(data) and mira_token.rsplit("_", 1)[1] not in repr(data)

    queue = client.get("/staff/")
    assert queue.status_code == 200
    assert "Signed in as Mira Okafor" in queue.text
    assert queue.headers["Referrer-Policy"] == "same-origin"


def test_every_issued_token_signs_in(container, app):
    # token_urlsafe secrets hold "_" about half the time; member ids never do.
    for _ in range(16):
        token = container.staff_tokens.issue("mira")
        response = sign_in(app.test_client(), token)
        assert response.status_code == 303, f"{token!r} was refused"


@pytest.mark.parametrize("token", ["", "rtf_mira_" + "x" * 43, "nonsense"])
def test_a_bad_token_is_refused_with_401_and_not_echoed(client, token):
    response = sign_in(client, token)
    assert response.status_code == 401
    assert 'role="alert"' in response.text
    assert 'aria-invalid="true"' in response.text
    if token:
        assert token not in response.text
    assert client.get("/staff/").status_code == 303


def test_signed_out_pages_redirect_to_login_and_back_after_it(client, mira_token):
    response = client.get("/staff/mine")
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/login?next=/staff/mine"
    login = client.get(response.headers["Location"])
    assert 'name="next" value="/staff/mine"' in login.text

    back = sign_in(client, mira_token, next_path="/staff/mine")
    assert back.status_code == 303
    assert back.headers["Location"] == "/staff/mine"


@pytest.mark.parametrize(
    "next_path", ["https://evil.example/", "//evil.example/staff/", "/api/v1/tickets", "/staff"]
)
def test_login_follows_only_a_next_inside_the_console(client, mira_token, next_path):
    response = sign_in(client, mira_token, next_path=next_path)
    assert response.headers["Location"] == "/staff/"


def test_revoking_the_token_signs_the_session_out(container, mira):
    assert mira.get("/staff/").status_code == 200
    container.staff_tokens.revoke_all("mira")
    response = mira.get("/staff/")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/staff/login")


def test_sign_out_ends_the_session(mira):
    page = mira.get("/staff/").text
    response = mira.post("/staff/logout", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/login"
    assert "You are signed out." in mira.get("/staff/login").text
    assert mira.get("/staff/").status_code == 303


# -- the lists -----------------------------------------------------------------------------


def test_the_queue_shows_each_ticket_in_its_section(container, mira):
    unowned = file(container, **UNOWNED)
    new = file(container, triaged=False, **UNOWNED)
    needs_info = file(container, end_state="tbd", **UNOWNED)
    mine = file(container, **FOR_MIRA)
    assert container.tickets.get(mine).owner == "mira"

    page = mira.get("/staff/").text
    triaged_part = section(page, "triaged-title")
    assert listed(triaged_part, unowned) and not listed(triaged_part, new)
    assert listed(section(page, "new-title"), new)
    assert listed(section(page, "needs-info-title"), needs_info)
    owners = section(page, "owners-title")
    assert "Mira Okafor: 1 of 3 open" in owners
    assert listed(owners, mine) and not listed(owners, unowned)
    assert "Tomás Lindqvist: 0 of 4 open" in owners


def test_mine_shows_my_tickets_with_the_wip_count_and_escalations_to_me(container, mira):
    owned = [file(container, **FOR_MIRA) for _ in range(2)]
    other = file(
        container,
        title="Restore the MySQL backup",
        requirements="Restore last night's mysql backup of the wiki database.",
    )
    assert container.tickets.get(other).owner == "priya"
    act_as(container, "priya", other, "escalate", {"to": "mira", "reason": "needs DNS too"})

    page = mira.get("/staff/mine").text
    assert "2 of 3 open" in page
    assert all(listed(section(page, "mine-title"), n) for n in owned)
    escalated = section(page, "escalated-title")
    assert listed(escalated, other)
    assert "Priya Raman" in escalated and "needs DNS too" in escalated
    assert not listed(section(page, "mine-title"), other)


def test_the_agenda_lists_unowned_and_escalated_tickets_oldest_first(container, mira):
    first = file(container, **UNOWNED)
    container.clock.advance(days=2)
    second = file(container, **UNOWNED)
    escalated = file(container, **FOR_MIRA)
    act_as(container, "mira", escalated, "escalate", {"to": "ada", "reason": "out of my depth"})
    container.clock.advance(days=1)

    page = mira.get("/staff/agenda").text
    unowned = section(page, "unowned-title")
    assert unowned.index(f">#{first}<") < unowned.index(f">#{second}<")
    assert not listed(unowned, escalated)
    part = section(page, "escalations-title")
    assert listed(part, escalated)
    assert "Mira Okafor" in part and "Ada Brennan" in part and "out of my depth" in part
    assert re.search(rf">#{first}</a></td>.*?<td>3</td>", unowned, re.S)  # age in days


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
    assert "every acceptance criterion must be checked: not 2. Analysts can log in" in page
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


def test_the_lists_show_a_postponement_and_a_breached_sla(container, mira):
    number = file(container, **UNOWNED)
    act_as(container, "mira", number, "take")
    until = (container.clock.now() + timedelta(days=2)).isoformat()
    act_as(
        container, "mira", number, "postpone", {"until": until, "reason": "vendor", "public": False}
    )
    ticket = container.tickets.get(number)
    container.tickets.save(
        ticket, ticket.fire("sla-breach:first_response", now=container.clock.now())
    )
    page = mira.get("/staff/mine").text
    row = page[page.index(f">#{number}<") :].split("</tr>")[0]
    assert "until" in row
    assert "SLA breached: first response" in row
