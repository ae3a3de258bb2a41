"""The staff console on a SQLite home of its own (the pages, not the store, are under test
here; see sqlite_container): signing in with an API token, the session cookie, where
login sends you back to, revoking and signing out."""

from __future__ import annotations

import pytest

from tests.integration.console_helpers import (
    csrf_from,
    sign_in,
)


@pytest.fixture
def container(sqlite_container):
    return sqlite_container


# -- signing in ----------------------------------------------------------------------------


def test_a_good_token_signs_in_and_the_cookie_holds_no_token(app, client, mira_token):
    response = sign_in(client, mira_token)
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    # The cookie holds a session's id; the store holds who signed in, and never the token.
    assert set(data) <= {"staff_session", "csrf_token"}
    assert app.extensions["rtflow"].sessions.find(data["staff_session"]).subject == "mira"
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
