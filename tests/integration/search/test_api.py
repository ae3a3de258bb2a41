"""GET /api/v1/tickets: the staff search by bearer token, its pages, filters and refusals."""

from __future__ import annotations

import jsonschema
import pytest

from tests.integration.console_helpers import act_as, file

from .conftest import BASE_URL


def found(client, staff, **params) -> list[int]:
    response = client.get("/api/v1/tickets", query_string=params, headers=staff)
    assert response.status_code == 200, response.text
    return [t["number"] for t in response.json["tickets"]]


def test_without_a_staff_token_nobody_searches(client, container):
    file(container, title="Tape library")
    assert client.get("/api/v1/tickets?q=tape").status_code == 401
    bad = {"Authorization": "Bearer rtf_mira_nonsense"}
    assert client.get("/api/v1/tickets?q=tape", headers=bad).status_code == 401


def test_every_word_must_match_comments_and_internal_notes_included(client, staff, container):
    tape = file(container, title="Tape library robot", requirements="The arm sticks.")
    other = file(container, title="Tape rotation")
    act_as(
        container, "mira", other, "comment", {"message": "Vendor says firmware", "public": False}
    )
    assert found(client, staff, q="tape") == [other, tape]
    assert found(client, staff, q="TAPE arm") == [tape]
    assert found(client, staff, q="tape firmware") == [other]
    assert found(client, staff, q=f"#{tape} library") == [tape]
    assert found(client, staff, q="tape nothing") == []


def test_the_answer_is_a_page_in_brief_with_the_next_one(client, staff, container):
    made = [file(container, title=f"Disk {i}", triaged=False) for i in range(3)]
    response = client.get("/api/v1/tickets?q=disk&per_page=2&sort=oldest", headers=staff)
    body = response.json
    assert [t["number"] for t in body["tickets"]] == made[:2]
    first = body["tickets"][0]
    assert first["url"] == f"{BASE_URL}/api/v1/tickets/{made[0]}"
    assert first["status"] == "new" and first["requester"]["email"] and not first["private"]
    assert body["next"] and body["next_url"].startswith(f"{BASE_URL}/api/v1/tickets?")
    assert "q=disk" in body["next_url"] and "sort=oldest" in body["next_url"]
    following = client.get(body["next_url"].removeprefix(BASE_URL), headers=staff).json
    assert [t["number"] for t in following["tickets"]] == made[2:]
    assert following["next"] is None and following["next_url"] is None


def test_filters_reach_finished_tickets(client, staff, container):
    done = file(container, title="Certificate rotation", triaged=False)
    act_as(container, "mira", done, "reject", {"reason": "Done elsewhere"})
    still = file(container, title="Certificate renewal", triaged=False)
    assert found(client, staff, q="certificate") == [still, done]
    assert found(client, staff, q="certificate", status="finished") == [done]
    assert found(client, staff, q="certificate", status="rejected") == [done]
    assert found(client, staff, q="certificate", status="open") == [still]
    assert found(client, staff, status="new") == [still]
    assert found(client, staff, q="elsewhere") == [done]  # the reason is searched too
    email = "lee@example.org"
    lee = file(container, title="Shell", requester={"name": "Lee Park", "email": email})
    assert found(client, staff, requester="LEE@example.org") == [lee]
    assert found(client, staff, q="park") == [lee]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "sleeping"}, "status"),
        ({"type": "nonsense"}, "type"),
        ({"owner": "nobody"}, "owner"),
        ({"requester": "not an address"}, "requester"),
        ({"sort": "random"}, "sort"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"cursor": "<script>"}, "cursor"),
        ({"cursor": "bmV3ZXN0fHwx", "sort": "oldest"}, "cursor"),  # another order's cursor
        ({"format": "xml"}, "format"),
        ({"q": "a b c d e f g h i"}, "q"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_a_bad_parameter_is_named_in_words(client, staff, params, field):
    response = client.get("/api/v1/tickets", query_string=params, headers=staff)
    assert response.status_code == 422, response.text
    assert set(response.json["errors"]) == {field}
    assert response.json["errors"][field]


def test_updated_with_too_many_matches_is_refused_in_words(client, staff, container, monkeypatch):
    monkeypatch.setattr("services.adapters.sqlite.search.SORTABLE", 1)
    file(container, title="Fan noise", triaged=False)
    file(container, title="Fan speed", triaged=False)
    response = client.get("/api/v1/tickets?q=fan&sort=updated", headers=staff)
    assert response.status_code == 422
    assert "sort" in response.json["errors"]


def test_the_answer_is_as_the_openapi_document_says(client, staff, container):
    file(container, title="Conformance", triaged=False)
    spec = client.get("/openapi.json").json
    operation = spec["paths"]["/api/v1/tickets"]["get"]
    for params, status in (({"q": "conformance"}, 200), ({"status": "x"}, 422)):
        response = client.get("/api/v1/tickets", query_string=params, headers=staff)
        assert response.status_code == status
        schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
        jsonschema.validate(
            response.json,
            {**schema, "components": spec["components"]},
            cls=jsonschema.Draft202012Validator,
        )
    assert {p["name"] for p in operation["parameters"]} == {
        "q",
        "status",
        "type",
        "owner",
        "requester",
        "sort",
        "cursor",
        "format",
        "per_page",
    }
