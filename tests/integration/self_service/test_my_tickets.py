"""The requester's list of tickets: only their own, newest first; anyone else's ticket is not
found, as no ticket is; the ticket page escapes what it shows."""

from __future__ import annotations

from tests.integration.console_helpers import csrf_from
from tests.integration.self_service.self_service_helpers import ANA, BOB, XSS, file, post, sign_in

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
