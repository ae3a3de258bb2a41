"""Requesters sign in by a mailed one-time link (with fakes of the ports): once per link, for
some hours, never telling whether an address has tickets; every /me form needs its CSRF
token."""

from __future__ import annotations

from tests.integration.console_helpers import csrf_from
from tests.integration.self_service.self_service_helpers import (
    ANA,
    ask_for_link,
    file,
    link_in,
    redeem,
    sign_in,
)

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
    # The cookie holds the session's id; the store, whose session it is.
    assert container.sessions.find(data["me_session"]).subject == ANA
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
