"""The sign-in pages over the real directory: staff into the console, requesters into their
tickets, and who is refused."""

from __future__ import annotations

import pytest

from services.adapters.bootstrap import build
from services.adapters.ldap_auth import LdapDirectory
from services.adapters.settings import Settings
from services.application.filing import file_ticket
from services.intake.app import create_app
from tests.conftest import valid_ticket
from tests.fake_sessions import FakeSessions
from tests.fakes import FakeMailer, FakeRequesterLinks, FakeTicketRepository
from tests.integration.console_helpers import csrf_from
from tests.integration.ldap.ldap_helpers import SERVICE_DN, SERVICE_PASSWORD, config

# Starts Debian's slapd (installed by `make test`, not by `make test-fast`).
pytestmark = pytest.mark.slow


# -- the sign-in pages over the real directory ---------------------------------------------


@pytest.fixture
def app(slapd, flow, clock):
    tickets = FakeTicketRepository()
    settings = Settings(
        secret_key="test-secret-" * 4,
        base_url="http://rt.example.org",
        ldap_url=slapd.url,
        ldap_bind_dn=SERVICE_DN,
        ldap_bind_password=SERVICE_PASSWORD,
    )
    container = build(
        settings,
        flow=flow.model_copy(update={"ldap": config()}),
        clock=clock,
        tickets=tickets,
        requester_links=FakeRequesterLinks(),
        mailer=FakeMailer(),
        sessions=FakeSessions(clock),
    )
    assert isinstance(container.directory, LdapDirectory)  # built from the settings
    return create_app(container)


def test_staff_sign_in_to_the_console_with_a_directory_account(app):
    client = app.test_client()
    page = client.get("/staff/login").text
    assert 'name="username"' in page and 'name="token"' in page  # both ways in
    response = client.post(
        "/staff/login/directory",
        data={"csrf_token": csrf_from(page), "username": "mira", "password": "mira-pass-1"},
    )
    assert response.status_code == 303, response.text
    queue = client.get("/staff/")
    assert queue.status_code == 200 and "Signed in as Mira Okafor" in queue.text
    cookie = client.get_cookie("session")
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    signed = app.extensions["rtflow"].sessions.find(data["staff_session"])
    assert (signed.kind, signed.subject) == ("staff-directory", "mira")
    assert "mira-pass-1" not in repr(data)


@pytest.mark.parametrize(
    ("username", "password", "status", "message"),
    [
        ("mira", "not-her-password", 401, "unknown username, or wrong password"),
        ("lee", "lee-pass-1", 403, "in no staff group"),
        ("sam", "sam-pass-1", 403, "not a member of the team"),
        ("*", "mira-pass-1", 401, "unknown username, or wrong password"),
        ("mira", "", 401, "enter your username and your password"),
    ],
)
def test_the_console_refuses_who_is_not_staff(app, username, password, status, message):
    client = app.test_client()
    page = client.get("/staff/login").text
    response = client.post(
        "/staff/login/directory",
        data={"csrf_token": csrf_from(page), "username": username, "password": password},
    )
    assert response.status_code == status
    assert message in response.text
    assert password not in response.text or not password
    assert client.get("/staff/").status_code == 303  # still signed out


def test_a_requester_signs_in_with_a_directory_account_and_sees_their_tickets(app):
    c = app.extensions["rtflow"]
    filed = file_ticket(
        valid_ticket(
            title="Lee's own request for a VLAN",
            requester={"name": "Lee Park", "email": "lee@example.org"},
        ),
        c.ticket_deps,
        source="api",
    )
    client = app.test_client()
    page = client.get("/me/sign-in").text
    assert "directory account" in page
    response = client.post(
        "/me/sign-in/directory",
        data={"csrf_token": csrf_from(page), "username": "lee", "password": "lee-pass-1"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/me/"
    mine = client.get("/me/")
    assert "Lee&#39;s own request for a VLAN" in mine.text
    assert f'href="/me/tickets/{filed.ticket.number}"' in mine.text

    other = app.test_client()
    page = other.get("/me/sign-in").text
    refused = other.post(
        "/me/sign-in/directory",
        data={"csrf_token": csrf_from(page), "username": "lee", "password": "nope"},
    )
    assert refused.status_code == 401 and "wrong password" in refused.text
    assert other.get("/me/").status_code == 303


def test_a_requester_account_without_mail_is_told_to_use_a_link(app):
    client = app.test_client()
    page = client.get("/me/sign-in").text
    response = client.post(
        "/me/sign-in/directory",
        data={"csrf_token": csrf_from(page), "username": "nomail", "password": "nomail-pass-1"},
    )
    assert response.status_code == 403 and "no mail address" in response.text
