"""POST /api/v1/tickets/<n>/comment, /request-info and /edit on the emulator: who may (any
staff member comments, the bugmeister and an admin included, owner or not), and the answers
the other actions give: 401, 403, 404, 409 and 422 in words; the OpenAPI document describes
the three bodies."""

from __future__ import annotations

import pytest

from services.domain.tokens import status_token
from tests.integration.console_helpers import FOR_MIRA, UNOWNED, act_as, file


@pytest.fixture
def bearer(container):
    def of(member: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {container.staff_tokens.issue(member)}"}

    return of


def post(client, number: int, action: str, body, headers=None, **params):
    return client.post(
        f"/api/v1/tickets/{number}/{action}", json=body, headers=headers or {}, query_string=params
    )


@pytest.mark.parametrize("who", ["priya", "ada", "jonas"])  # bugmeister, admin, an engineer
def test_any_staff_member_comments_on_a_ticket_someone_else_owns(container, client, bearer, who):
    number = file(container, **FOR_MIRA)
    response = post(client, number, "comment", {"message": "Seen it too"}, bearer(who))
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert (body["status"], body["owner"]) == ("assigned", "mira")
    last = body["history"][-1]
    assert (last["kind"], last["public"], last["actor"]) == (
        "ticket.commented",
        False,
        f"staff:{who}",
    )


def test_a_comment_without_credentials_or_by_the_requester_is_refused(container, client, bearer):
    number = file(container, **UNOWNED)
    assert post(client, number, "comment", {"message": "hi"}).status_code == 401
    ticket = container.tickets.get(number)
    token = status_token(container.settings.secret_key, number, ticket.token_salt)
    refused = post(client, number, "comment", {"message": "hi"}, token=token)
    assert refused.status_code == 403 and "not comment" in refused.get_json()["error"]
    missing = post(client, 999_999, "comment", {"message": "hi"}, bearer("mira"))
    assert missing.status_code == 404
    empty = post(client, number, "comment", {"message": ""}, bearer("mira"))
    assert empty.status_code == 422
    assert empty.get_json()["errors"] == {"message": "is required"}


def test_request_info_by_whom_and_when(container, client, bearer):
    number = file(container, **FOR_MIRA)
    body = {"fields": ["end_state"], "message": "Which zone?"}
    forbidden = post(client, number, "request-info", body, bearer("jonas"))
    assert forbidden.status_code == 403
    assert forbidden.get_json()["error"] == (
        f"only the owner or triager or bugmeister may ask the requester of ticket #{number}"
    )
    unknown = post(client, number, "request-info", {"fields": ["colour"]}, bearer("mira"))
    assert unknown.status_code == 422 and "fields" in unknown.get_json()["errors"]
    asked = post(client, number, "request-info", body, bearer("priya"))
    assert asked.status_code == 200
    assert (asked.get_json()["status"], asked.get_json()["owner"]) == ("needs-info", None)
    again = post(client, number, "request-info", body, bearer("priya"))
    assert again.status_code == 409
    assert again.get_json()["error"] == "cannot ask-for-info a ticket that is needs-info"


def test_edit_answers_in_words(container, client, bearer):
    number = file(container, **FOR_MIRA)
    forbidden = post(client, number, "edit", {"title": "x", "reason": "x"}, bearer("jonas"))
    assert forbidden.status_code == 403
    same = post(client, number, "edit", {"title": FOR_MIRA["title"], "reason": "x"}, bearer("mira"))
    assert same.status_code == 422
    assert same.get_json() == {"error": "nothing changed"}
    bad = post(
        client,
        number,
        "edit",
        {"drop_dead_date": "2000-01-01", "type": "coffee", "colour": "red", "reason": ""},
        bearer("mira"),
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"colour", "reason"}  # the shape first
    bad = post(
        client,
        number,
        "edit",
        {"drop_dead_date": "2000-01-01", "type": "coffee", "reason": "x"},
        bearer("mira"),
    )
    errors = bad.get_json()["errors"]
    assert errors["drop_dead_date"] == "must not be in the past"
    assert errors["type"].startswith("unknown ticket type")
    done = post(
        client, number, "edit", {"end_state": "wiki-new resolves", "reason": "x"}, bearer("ada")
    )
    assert done.status_code == 200
    last = done.get_json()["history"][-1]
    assert (last["kind"], last["public"]) == ("ticket.edited", False)
    assert last["data"]["changes"]["end_state"]["after"] == "wiki-new resolves"


def test_a_finished_ticket_is_still_corrected_and_commented(container, client, bearer):
    number = file(container, **FOR_MIRA)
    act_as(container, "mira", number, "reject", {"reason": "duplicate"})
    assert (
        post(client, number, "comment", {"message": "see #1"}, bearer("jonas")).status_code == 200
    )
    made = post(client, number, "edit", {"private": True, "reason": "names"}, bearer("mira"))
    assert made.status_code == 200 and made.get_json()["private"] is True
    asked = post(client, number, "request-info", {"fields": ["end_state"]}, bearer("mira"))
    assert asked.status_code == 409


def test_the_openapi_document_describes_the_three_bodies(client):
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert set(schemas["Comment"]["required"]) == {"message"}
    assert schemas["Comment"]["properties"]["public"]["default"] is False
    assert set(schemas["RequestInfo"]["required"]) == {"fields"}
    assert "security_needs" in schemas["RequestInfo"]["properties"]["fields"]["items"]["enum"]
    assert set(schemas["Edit"]["required"]) == {"reason"}
    assert {"title", "type", "private", "drop_dead_date"} <= set(schemas["Edit"]["properties"])
    route = spec["paths"]["/api/v1/tickets/{number}/{action}"]["post"]
    assert {"comment", "request-info", "edit"} <= set(route["parameters"][1]["schema"]["enum"])
    assert {"401", "403", "404", "409", "422"} <= set(route["responses"])
