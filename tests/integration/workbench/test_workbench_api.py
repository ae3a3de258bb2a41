"""The JSON API of watchers, merging and bulk actions: who may, what each answers (200, 401,
403, 404, 409, 422 with field-level words), and that each change is stored with its event."""

from __future__ import annotations

import jsonschema
import pytest

from tests.conftest import valid_ticket
from tests.integration.console_helpers import UNOWNED, act_as, file

from .conftest import bearer


def kinds(container, number: int) -> list[str]:
    return [e.kind for e in container.tickets.history(number)]


# -- filing with CC --------------------------------------------------------------------------


def test_the_api_files_a_ticket_with_cc_and_staff_see_its_watchers(container, client):
    response = client.post(
        "/api/v1/tickets", json=valid_ticket(cc=["Lee@Example.org", "kim@example.org"])
    )
    assert response.status_code == 201
    number = response.json["id"]
    got = client.get(f"/api/v1/tickets/{number}", headers=bearer(container, "jonas"))
    assert got.json["watchers"] == ["lee@example.org", "kim@example.org"]
    assert got.json["merged_into"] is None


def test_filing_refuses_a_bad_or_too_long_cc_by_field(client):
    bad = client.post("/api/v1/tickets", json=valid_ticket(cc=["lee"]))
    assert bad.status_code == 422
    assert "not a mail address" in bad.json["errors"]["cc"]
    many = client.post("/api/v1/tickets", json=valid_ticket(cc=[f"p{i}@x.org" for i in range(6)]))
    assert many.json["errors"] == {"cc": "copy at most 5 addresses"}


# -- watchers ----------------------------------------------------------------------------------


def test_staff_add_and_remove_watchers(container, client):
    number = file(container, cc=["lee@example.org"])
    response = client.post(
        f"/api/v1/tickets/{number}/watchers",
        json={"add": ["kim@example.org"], "remove": ["lee@example.org"]},
        headers=bearer(container, "tomas"),
    )
    assert response.status_code == 200, response.text
    assert response.json["watchers"] == ["kim@example.org"]
    assert kinds(container, number)[-1] == "ticket.watchers-changed"
    history = response.json["history"][-1]
    assert (history["summary"], history["public"]) == ("Watchers changed", False)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"add": ["not-an-address"]}, 422, "add"),
        ({}, 422, "add"),
        ({"add": ["ana@example.org"]}, 422, "add"),
        ({"remove": ["nobody@example.org"]}, 409, None),
    ],
)
def test_a_watchers_change_that_cannot_be_made_says_why(container, client, body, status, field):
    number = file(container)
    response = client.post(
        f"/api/v1/tickets/{number}/watchers", json=body, headers=bearer(container, "mira")
    )
    assert response.status_code == status
    if field:
        assert field in response.json["errors"]
    assert kinds(container, number)[-1] != "ticket.watchers-changed"


def test_watchers_and_merge_need_a_staff_token(container, client):
    number = file(container)
    for path, body in (("watchers", {"add": ["kim@example.org"]}), ("merge", {"into": number})):
        response = client.post(f"/api/v1/tickets/{number}/{path}", json=body)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    refused = client.post(
        "/api/v1/tickets/bulk",
        json={"tickets": [number], "action": "close"},
        headers={"Authorization": "Bearer rtf_mira_forged"},
    )
    assert refused.status_code == 401


def test_a_missing_ticket_is_404(container, client):
    response = client.post(
        "/api/v1/tickets/99/watchers", json={"add": ["k@x.org"]}, headers=bearer(container, "mira")
    )
    assert response.status_code == 404


# -- merge -------------------------------------------------------------------------------------


def test_a_triager_merges_a_duplicate_in_one_step(container, client):
    target = file(container, **UNOWNED)
    bob = {"name": "Bob Ng", "email": "bob@example.org"}
    duplicate = file(container, triaged=False, requester=bob, cc=["lee@example.org"])
    response = client.post(
        f"/api/v1/tickets/{duplicate}/merge",
        json={"into": target},
        headers=bearer(container, "mira"),
    )
    assert response.status_code == 200, response.text
    assert (response.json["status"], response.json["merged_into"]) == ("closed", target)
    assert container.tickets.get(target).watchers == ["bob@example.org", "lee@example.org"]
    assert kinds(container, duplicate)[-1] == "ticket.merged"
    assert kinds(container, target)[-1] == "ticket.duplicate-merged"
    public = client.get(f"/api/v1/tickets/{target}", headers=bearer(container, "jonas"))
    assert public.json["history"][-1]["detail"].startswith(f"#{duplicate} · ")


@pytest.mark.parametrize(
    ("who", "into", "status", "words"),
    [
        ("tomas", "target", 403, "only triager or bugmeister may merge"),
        ("priya", "self", 409, "cannot be merged into itself"),
        ("mira", "finished", 409, "merge only into an open ticket"),
        ("mira", 999, 422, "there is no ticket #999"),
        ("mira", "seven", 422, "into"),
    ],
)
def test_a_merge_that_cannot_be_made_says_why(container, client, who, into, status, words):
    target, duplicate, finished = file(container), file(container), file(container)
    act_as(container, "mira", finished, "reject", {"reason": "out of scope"})
    into = {"target": target, "self": duplicate, "finished": finished}.get(into, into)
    response = client.post(
        f"/api/v1/tickets/{duplicate}/merge", json={"into": into}, headers=bearer(container, who)
    )
    assert response.status_code == status
    assert words in response.json["error"] + str(response.json.get("errors"))
    assert container.tickets.get(duplicate).merged_into is None


def test_a_merged_ticket_is_not_merged_again(container, client):
    a, b, c = file(container), file(container), file(container)
    headers = bearer(container, "mira")
    merged = client.post(f"/api/v1/tickets/{a}/merge", json={"into": b}, headers=headers)
    assert merged.status_code == 200
    again = client.post(f"/api/v1/tickets/{a}/merge", json={"into": c}, headers=headers)
    assert again.status_code == 409
    assert again.json["error"] == f"ticket #{a} was merged into #{b} already"
    into_merged = client.post(f"/api/v1/tickets/{c}/merge", json={"into": a}, headers=headers)
    assert into_merged.status_code == 409
    assert "merge into that one" in into_merged.json["error"]


# -- bulk --------------------------------------------------------------------------------------


def test_a_bulk_close_answers_each_tickets_outcome_in_words(container, client):
    waiting = file(container)
    act_as(container, "mira", waiting, "request-info", {"fields": ["end_state"], "message": "?"})
    triaged = file(container, **UNOWNED)
    response = client.post(
        "/api/v1/tickets/bulk",
        json={"tickets": [waiting, triaged, 404], "action": "close"},
        headers=bearer(container, "priya"),
    )
    assert response.status_code == 200, response.text
    assert response.json == {
        "action": "close",
        "done": 1,
        "refused": 2,
        "results": [
            {
                "ticket": waiting,
                "ok": True,
                "status": "closed",
                "code": None,
                "error": None,
                "errors": None,
            },
            {
                "ticket": triaged,
                "ok": False,
                "status": None,
                "code": 409,
                "error": "cannot close a ticket that is triaged",
                "errors": None,
            },
            {
                "ticket": 404,
                "ok": False,
                "status": None,
                "code": 404,
                "error": "there is no such ticket",
                "errors": None,
            },
        ],
    }
    assert kinds(container, waiting)[-1] == "ticket.closed"


def test_a_bulk_comment_assign_and_reject_run_the_single_actions(container, client):
    a, b = file(container, **UNOWNED), file(container, **UNOWNED)
    headers = bearer(container, "mira")
    comment = client.post(
        "/api/v1/tickets/bulk",
        json={"tickets": [a, b], "action": "comment", "message": "Seen", "public": False},
        headers=headers,
    )
    assert [r["ok"] for r in comment.json["results"]] == [True, True]
    assert [container.tickets.history(n)[-1].public for n in (a, b)] == [False, False]
    assign = client.post(
        "/api/v1/tickets/bulk",
        json={"tickets": [a, b], "action": "assign", "owner": "jonas"},
        headers=headers,
    )
    assert assign.json["done"] == 2
    assert [container.tickets.get(n).owner for n in (a, b)] == ["jonas", "jonas"]
    by_engineer = client.post(
        "/api/v1/tickets/bulk",
        json={"tickets": [a, b], "action": "reject", "reason": "duplicate"},
        headers=bearer(container, "tomas"),
    )
    assert [r["code"] for r in by_engineer.json["results"]] == [403, 403]
    assert "may reject" in by_engineer.json["results"][0]["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tickets": [1], "action": "resolve"}, "action"),
        ({"tickets": [1], "action": "assign", "owner": "nobody"}, None),
        ({"tickets": [1], "action": "reject"}, "reason"),
        ({"tickets": list(range(1, 60)), "action": "close"}, "tickets"),
        ({"tickets": "1,2", "action": "close"}, "tickets"),
    ],
)
def test_a_bad_bulk_request_is_one_422_and_changes_nothing(container, client, body, field):
    number = file(container)
    response = client.post("/api/v1/tickets/bulk", json=body, headers=bearer(container, "mira"))
    if field is None:  # an unknown engineer is each ticket's refusal, as assign alone says
        assert response.status_code == 200
        assert response.json["results"][0]["errors"] == {"owner": "no team member 'nobody'"}
    else:
        assert response.status_code == 422
        assert field in response.json["errors"]
    assert kinds(container, number)[-1] != "ticket.assigned"


def test_the_answers_conform_to_the_openapi_document(container, client):
    spec = client.get("/openapi.json").get_json()

    def conforms(path: str, response) -> None:
        declared = spec["paths"][path]["post"]["responses"][str(response.status_code)]
        schema = declared["content"]["application/json"]["schema"]
        jsonschema.validate(
            response.get_json(),
            {**schema, "components": spec["components"]},
            cls=jsonschema.Draft202012Validator,
        )

    a, b = file(container), file(container)
    headers = bearer(container, "mira")
    for body in ({"add": ["kim@example.org"]}, {"add": ["nope"]}):
        answer = client.post(f"/api/v1/tickets/{a}/watchers", json=body, headers=headers)
        conforms("/api/v1/tickets/{number}/watchers", answer)
    for into in (a, 999, b):
        answer = client.post(f"/api/v1/tickets/{a}/merge", json={"into": into}, headers=headers)
        conforms("/api/v1/tickets/{number}/merge", answer)
    for action in ("close", "resolve"):
        answer = client.post(
            "/api/v1/tickets/bulk", json={"tickets": [a, b], "action": action}, headers=headers
        )
        conforms("/api/v1/tickets/bulk", answer)
