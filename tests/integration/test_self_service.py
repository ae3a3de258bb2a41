"""Requesters' own pages (/me) over the Flask test client, with fakes of the ports: signing
in by a mailed one-time link, "my tickets", and adding information, replying, confirming and
reopening through the pages. Nothing tells a stranger whether an address has tickets, and
every form needs its CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.application import actions
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.triage import TriageDeps, triage
from services.domain.actors import Actor
from services.domain.lifecycle import Status
from services.intake.app import create_app
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer, FakeRequesterLinks, FakeTicketRepository

ANA = "ana@example.org"
BOB = "bob@example.org"
XSS = "<script>evil()</script>"


@pytest.fixture
def container(flow, clock):
    settings = Settings(secret_key="test-secret-" * 4, base_url="http://rt.example.org")
    return build(
        settings,
        flow=flow,
        clock=clock,
        tickets=FakeTicketRepository(),
        requester_links=FakeRequesterLinks(),
        mailer=FakeMailer(),
    )


@pytest.fixture
def app(container):
    return create_app(container)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def file(container, email: str = ANA, *, complete: bool = True, **overrides) -> int:
    data = valid_ticket(requester={"name": email.split("@")[0].title(), "email": email})
    if not complete:
        data = {k: v for k, v in data.items() if k not in ("end_state", "acceptance_criteria")}
    filed = file_ticket(
        data | overrides,
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api" if complete else "email",
        require_complete=complete,
    )
    triage(filed.ticket.number, TriageDeps(container.tickets, container.flow, container.clock))
    return filed.ticket.number


def staff_act(container, member: str, number: int, action: str, body: dict | None = None):
    deps = TicketDeps(
        tickets=container.tickets,
        flow=container.flow,
        clock=container.clock,
        secret_key=container.settings.secret_key,
    )
    actor = Actor.staff(container.flow.member(member))
    return actions.perform(number, action, body or {}, actor, deps)


def resolved(container, email: str = ANA) -> int:
    number = file(container, email, title="Rotate the backup keys")
    if container.tickets.get(number).owner is None:
        staff_act(container, "mira", number, "assign", {"owner": "priya"})
    staff_act(container, "priya", number, "start")
    staff_act(container, "priya", number, "resolve", {"checked": [0, 1], "summary": "Done."})
    return number


def ask_for_link(client, email: str):
    page = client.get("/me/sign-in").text
    return client.post("/me/sign-in", data={"csrf_token": csrf_from(page), "email": email})


def link_in(mail) -> str:
    return re.search(r"http://rt\.example\.org(/me/link\?token=\S+)", mail.text).group(1)


def redeem(client, path: str):
    page = client.get(path)
    assert page.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    return client.post("/me/link", data={"csrf_token": csrf_from(page.text), "token": token})


def sign_in(client, container, email: str = ANA):
    assert ask_for_link(client, email).status_code == 200
    response = redeem(client, link_in(container.mailer.to(email)[-1]))
    assert response.status_code == 303, response.text
    return client


def post(client, path: str, **fields):
    page = client.get(path.rsplit("/", 1)[0]).text
    return client.post(path, data={"csrf_token": csrf_from(page), **fields})


# -- signing in by a mailed link -----------------------------------------------------------


def test_the_sign_in_page_asks_for_an_address_and_offers_no_directory_without_ldap(client):
    page = client.get("/me/sign-in")
    assert page.status_code == 200
    assert 'name="email"' in page.text and 'name="csrf_token"' in page.text
    assert 'name="password"' not in page.text


def test_asking_for_a_link_mails_one_with_a_text_part(client, container):
    file(container)
    response = ask_for_link(client, "Ana@Example.org ")
    assert response.status_code == 200
    assert "Check your mail" in response.text and ANA in response.text
    [mail] = container.mailer.outbox
    assert mail.to == (ANA,)
    assert "sign-in link" in mail.subject.lower()
    assert mail.headers["Auto-Submitted"] == "auto-generated"
    assert "http://rt.example.org/me/link?token=" in mail.text
    assert "30 minutes" in mail.text and "every ticket you filed" in mail.text
    assert mail.html and 'href="http://rt.example.org/me/link?token=' in mail.html
    assert container.requester_links.sent == [(ANA, link_in(mail).split("token=")[1])]


def test_the_link_signs_in_once(client, container, app):
    file(container)
    ask_for_link(client, ANA)
    path = link_in(container.mailer.outbox[-1])

    # Opening the link spends nothing (mail scanners open links): a button does.
    assert client.get(path).status_code == 200 and client.get(path).status_code == 200
    response = redeem(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/me/"
    data = app.session_interface.get_signing_serializer(app).loads(
        client.get_cookie("session").value
    )
    assert data["requester"]["email"] == ANA
    assert client.get("/me/").status_code == 200

    again = app.test_client()
    spent = redeem(again, path)
    assert spent.status_code == 400 and "cannot sign you in" in spent.text
    assert again.get("/me/").status_code == 303


def test_an_expired_or_made_up_link_signs_nobody_in(client, container):
    ask_for_link(client, ANA)
    path = link_in(container.mailer.outbox[-1])
    container.requester_links.expire()
    assert redeem(client, path).status_code == 400
    assert redeem(client, "/me/link?token=made-up").status_code == 400
    assert client.get("/me/link").status_code == 200  # no token: says so, no error
    assert "cannot sign you in" in client.get("/me/link").text


def test_a_bad_address_is_named_by_its_field_and_nothing_is_sent(client, container):
    for typed in ("", "not-an-address", "ana@exämple.org", "a@b.org\r\nBcc: x@y.org"):
        response = ask_for_link(client, typed)
        assert response.status_code == 422, typed
        assert 'id="email-error"' in response.text and 'aria-invalid="true"' in response.text
    assert container.mailer.outbox == []
    assert container.requester_links.sent == []


def test_nothing_tells_whether_an_address_has_tickets(app, container):
    file(container, ANA)
    answers = []
    for email in (ANA, "nobody@example.org"):
        response = ask_for_link(app.test_client(), email)
        answers.append((response.status_code, response.text.replace(email, "ADDRESS")))
    assert answers[0] == answers[1]
    # Both get a mail: the one without tickets is told it has none yet.
    assert len(container.mailer.to(ANA)) == 1
    [none] = container.mailer.to("nobody@example.org")
    assert "no tickets" in none.text


def test_a_mail_that_cannot_be_sent_says_so(client, container):
    container.mailer.fail_for = {ANA}
    response = ask_for_link(client, ANA)
    assert response.status_code == 503
    assert "could not send" in response.text


def test_the_session_ends_after_some_hours(client, container):
    sign_in(client, container)
    assert client.get("/me/").status_code == 200
    container.clock.advance(hours=13)
    response = client.get("/me/")
    assert response.status_code == 303 and response.headers["Location"] == "/me/sign-in"


def test_signing_out_needs_the_form_and_ends_the_session(client, container):
    sign_in(client, container)
    assert client.post("/me/sign-out").status_code == 400  # no CSRF token
    assert client.get("/me/").status_code == 200
    page = client.get("/me/").text
    response = client.post("/me/sign-out", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert client.get("/me/").status_code == 303


def test_every_me_post_needs_its_csrf_token(client, container):
    number = file(container)
    sign_in(client, container)
    before = len(container.tickets.history(number))
    for path, fields in [
        ("/me/sign-in", {"email": ANA}),
        ("/me/link", {"token": "x"}),
        (f"/me/tickets/{number}/reply", {"message": "Hello there, any news?"}),
        (f"/me/tickets/{number}/reopen", {"reason": "Not done."}),
        (f"/me/tickets/{number}/confirm", {}),
        ("/me/sign-out", {}),
    ]:
        response = client.post(path, data=fields)
        assert response.status_code == 400, path
        assert "could not be accepted" in response.text
    assert len(container.tickets.history(number)) == before  # nothing changed
    assert container.mailer.outbox[1:] == []  # only the first sign-in's link was sent


# -- my tickets ----------------------------------------------------------------------------


def test_my_tickets_needs_a_session(client):
    for path in ("/me/", "/me/tickets/1"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/me/sign-in"


def test_my_tickets_lists_only_mine_newest_first(client, container):
    first = file(container, ANA, title="Ana's first request")
    container.clock.advance(minutes=5)
    second = file(container, ANA, title=f"Ana's second {XSS}")
    bobs = file(container, BOB, title="Bob's request")
    sign_in(client, container, ANA)
    page = client.get("/me/").text
    assert page.index(f"/me/tickets/{second}") < page.index(f"/me/tickets/{first}")
    assert f"/me/tickets/{bobs}" not in page and "Bob&#39;s request" not in page
    assert XSS not in page and "&lt;script&gt;evil()&lt;/script&gt;" in page
    assert f"Signed in as {ANA}" in page


def test_no_tickets_yet(client, container):
    sign_in(client, container, "new@example.org")
    assert "You have filed no tickets" in client.get("/me/").text


def test_someone_elses_ticket_is_not_found_as_no_ticket_is(client, container):
    bobs = file(container, BOB, title="Bob's private matter")
    sign_in(client, container, ANA)
    before = container.tickets.history(bobs)
    theirs, none = client.get(f"/me/tickets/{bobs}"), client.get("/me/tickets/9999")
    assert theirs.status_code == none.status_code == 404
    assert theirs.text == none.text and "Bob" not in theirs.text
    page = client.get("/me/").text
    for action, fields in [
        ("reply", {"message": "Let me in"}),
        ("reopen", {"reason": "x"}),
        ("confirm", {}),
        ("add-info", {"end_state": "x"}),
    ]:
        response = client.post(
            f"/me/tickets/{bobs}/{action}", data={"csrf_token": csrf_from(page), **fields}
        )
        assert response.status_code == 404, action
    assert container.tickets.history(bobs) == before


def test_an_unknown_action_is_not_found(client, container):
    number = file(container)
    sign_in(client, container)
    assert post(client, f"/me/tickets/{number}/take").status_code == 404
    assert post(client, f"/me/tickets/{number}/close").status_code == 404


def test_the_ticket_page_shows_the_details_and_escapes_them(client, container):
    number = file(container, ANA, title=f"Escaping {XSS}", requirements=f"Text {XSS} here ok")
    sign_in(client, container)
    page = client.get(f"/me/tickets/{number}").text
    assert XSS not in page
    assert "Escaping &lt;script&gt;" in page
    assert "Requirements" in page and "Acceptance criteria" in page  # _details.html
    assert f'action="/me/tickets/{number}/reply"' in page
    assert f'action="/me/tickets/{number}/confirm"' not in page  # not resolved


# -- acting on a ticket --------------------------------------------------------------------


def test_adding_the_missing_information(client, container):
    number = file(container, complete=False, title="Add a replica")
    assert container.tickets.get(number).status is Status.NEEDS_INFO
    sign_in(client, container)
    page = client.get(f"/me/tickets/{number}").text
    assert "The team needs more" in page
    assert 'name="end_state"' in page and 'name="acceptance_criteria"' in page

    refused = post(client, f"/me/tickets/{number}/add-info", end_state="", acceptance_criteria="")
    assert refused.status_code == 422
    assert 'id="end_state-error"' in refused.text
    assert container.tickets.get(number).status is Status.NEEDS_INFO

    response = post(
        client,
        f"/me/tickets/{number}/add-info",
        end_state="Analysts query the replica, not production.",
        acceptance_criteria="Replica lag under 60 s\nAnalysts can log in",
    )
    assert response.status_code == 303
    after = client.get(f"/me/tickets/{number}").text
    assert "the team has your additions" in after
    ticket = container.tickets.get(number)
    assert ticket.status is Status.NEW
    assert ticket.acceptance_criteria == ["Replica lag under 60 s", "Analysts can log in"]
    assert container.tickets.history(number)[-1].actor == f"requester:{ANA}"


def test_replying_to_the_team(client, container):
    number = file(container)
    sign_in(client, container)
    blank = post(client, f"/me/tickets/{number}/reply", message="   ")
    assert blank.status_code == 422 and 'id="message-error"' in blank.text
    response = post(client, f"/me/tickets/{number}/reply", message=f"Any news? {XSS}")
    assert response.status_code == 303
    page = client.get(f"/me/tickets/{number}").text
    assert "Sent: the team has your message." in page
    assert "Any news? &lt;script&gt;" in page and XSS not in page
    last = container.tickets.history(number)[-1]
    assert (last.kind, last.actor, last.data["message"]) == (
        "ticket.replied",
        f"requester:{ANA}",
        f"Any news? {XSS}",
    )


def test_confirming_a_resolution_closes_the_ticket(client, container):
    number = resolved(container)
    sign_in(client, container)
    page = client.get(f"/me/tickets/{number}").text
    assert "Is it done?" in page and f'action="/me/tickets/{number}/confirm"' in page
    assert f'action="/me/tickets/{number}/reopen"' in page
    response = post(client, f"/me/tickets/{number}/confirm")
    assert response.status_code == 303
    assert container.tickets.get(number).status is Status.CLOSED
    assert container.tickets.history(number)[-1].kind == "ticket.confirmed"
    assert "Confirmed" in client.get(f"/me/tickets/{number}").text

    # Confirmed already: a second confirm is refused by the domain, on the page, not a 500.
    again = post(client, f"/me/tickets/{number}/confirm")
    assert again.status_code == 409 and "cannot" in again.text


def test_confirming_an_open_ticket_is_refused_on_the_page(client, container):
    number = file(container)
    status = container.tickets.get(number).status
    sign_in(client, container)
    response = post(client, f"/me/tickets/{number}/confirm")
    assert response.status_code == 409
    assert 'role="alert"' in response.text
    assert container.tickets.get(number).status is status


def test_reopening_a_resolved_ticket(client, container):
    number = resolved(container)
    sign_in(client, container)
    blank = post(client, f"/me/tickets/{number}/reopen", reason="")
    assert blank.status_code == 422 and 'id="reason-error"' in blank.text
    response = post(client, f"/me/tickets/{number}/reopen", reason="The old key still works.")
    assert response.status_code == 303
    assert container.tickets.get(number).status is Status.TRIAGED
    assert "Reopened" in client.get(f"/me/tickets/{number}").text


def test_the_status_link_api_may_confirm_too(app, container):
    number = resolved(container)
    ticket = container.tickets.get(number)
    from services.domain.tokens import status_token

    token = status_token(container.settings.secret_key, number, ticket.token_salt)
    response = app.test_client().post(f"/api/v1/tickets/{number}/confirm?token={token}")
    assert response.status_code == 200, response.text
    assert response.json["status"] == "closed"


def test_a_session_from_before_the_clock_moved_back_is_refused(client, container):
    sign_in(client, container)
    container.clock.current -= timedelta(hours=1)
    assert client.get("/me/").status_code == 303


def test_an_address_that_asked_too_often_gets_the_same_page_and_no_mail(client, container):
    container.__dict__["requester_links"] = FakeRequesterLinks(per_address=1)
    first = ask_for_link(client, ANA)
    again = ask_for_link(client, ANA)
    assert first.status_code == again.status_code == 200
    assert first.text == again.text  # nothing tells the limit from a sent mail
    assert len(container.mailer.outbox) == 1
