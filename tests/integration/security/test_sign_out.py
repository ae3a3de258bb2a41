"""Sign-out ends the session (issue 18, item 2): a cookie copied before signing out opens
nothing afterwards, on the console and on /me; signing in makes a new session id (a planted
one is never signed in); sessions expire. The SQLite home here; tests/contract/
test_sessions_contract.py runs the store's cases on DynamoDB too."""

from __future__ import annotations

import re

import pytest

from services.intake.auth import SESSION_HOURS as STAFF_HOURS
from services.intake.selfservice import SESSION_HOURS as REQUESTER_HOURS
from tests.fakes import FakeMailer
from tests.integration.console_helpers import csrf_from, sign_in
from tests.integration.security.queue_helpers import file


def cookie(client) -> str:
    return client.get_cookie("session").value


def replay(client, value: str) -> None:
    client.set_cookie("session", value)


@pytest.fixture
def mira_token(container):
    return container.staff_tokens.issue("mira")


def test_a_console_cookie_copied_before_sign_out_opens_nothing_after(client, mira_token):
    assert sign_in(client, mira_token).status_code == 303
    page = client.get("/staff/")
    assert page.status_code == 200
    stolen, csrf = cookie(client), csrf_from(page.text)

    client.post("/staff/logout", data={"csrf_token": csrf})
    replay(client, stolen)

    queue = client.get("/staff/")
    form = client.post("/staff/tickets/1/take", data={"csrf_token": csrf})
    assert queue.status_code == 303 and "/staff/login" in queue.headers["Location"]
    assert form.status_code == 303 and "/staff/login" in form.headers["Location"]


def session_id(app, client) -> str:
    data = app.session_interface.get_signing_serializer(app).loads(cookie(client))
    return data["staff_session"]


def test_signing_in_makes_a_new_session_and_ends_the_one_the_cookie_had(app, container):
    browser = app.test_client()
    sign_in(browser, container.staff_tokens.issue("priya"))
    before, old_cookie = session_id(app, browser), cookie(browser)
    csrf = csrf_from(browser.get("/staff/").text)

    again = browser.post(
        "/staff/login", data={"csrf_token": csrf, "token": container.staff_tokens.issue("mira")}
    )

    assert again.status_code == 303
    assert session_id(app, browser) != before
    assert "Signed in as Mira" in browser.get("/staff/").text
    assert container.sessions.find(before) is None
    replay(browser, old_cookie)
    assert browser.get("/staff/").status_code == 303


def test_a_console_session_expires(client, container, mira_token):
    sign_in(client, mira_token)
    container.clock.advance(hours=STAFF_HOURS, seconds=-60)
    assert client.get("/staff/").status_code == 200

    container.clock.advance(seconds=61)

    assert client.get("/staff/").status_code == 303


@pytest.fixture
def requester(app, container):
    """A client signed in to /me by a mailed link."""
    container.__dict__["mailer"] = FakeMailer()
    client = app.test_client()
    file(client, title="Mine")
    page = client.get("/me/sign-in").text
    client.post("/me/sign-in", data={"csrf_token": csrf_from(page), "email": "ana@example.org"})
    link = re.search(r"(/me/link\?token=\S+)", container.mailer.outbox[-1].text).group(1)
    page = client.get(link).text
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    signed = client.post("/me/link", data={"csrf_token": csrf_from(page), "token": token})
    assert signed.status_code == 303
    return client


def test_a_me_cookie_copied_before_sign_out_opens_nothing_after(requester):
    mine = requester.get("/me/")
    assert mine.status_code == 200 and "Mine" in mine.text
    stolen, csrf = cookie(requester), csrf_from(mine.text)

    requester.post("/me/sign-out", data={"csrf_token": csrf})
    replay(requester, stolen)

    assert requester.get("/me/").status_code == 303
    reply = requester.post("/me/tickets/1/reply", data={"csrf_token": csrf, "message": "hi"})
    assert reply.status_code == 303 and "/me/sign-in" in reply.headers["Location"]


def test_a_me_session_expires(requester, container):
    container.clock.advance(hours=REQUESTER_HOURS, seconds=1)

    assert requester.get("/me/").status_code == 303
