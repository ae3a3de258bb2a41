"""The Flask app over the real adapters (emulator): API contract, form round trip, errors."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import valid_ticket

# Every test reads only the tickets it filed: one stack serves them all.
pytestmark = pytest.mark.shared_stack


def file(client, **overrides):
    response = client.post("/api/v1/tickets", json=valid_ticket(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_filing_answers_201_with_location_number_and_private_status_link(client):
    response = client.post("/api/v1/tickets", json=valid_ticket())
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/tickets/{body['id']}"
    assert body["status"] == "new"
    token = re.fullmatch(
        rf"http://rt\.example\.org/tickets/{body['id']}\?token=([\w-]+)", body["status_url"]
    ).group(1)
    assert len(token) >= 22  # >= 128 bits of url-safe base64

    ticket = client.get(f"/api/v1/tickets/{body['id']}?token={token}").get_json()
    assert ticket["status"] == "new"
    assert ticket["requester"] == {"name": "Ana Souza", "email": "ana@example.org"}
    assert [h["kind"] for h in ticket["history"]] == ["ticket.filed"]


def test_a_wrong_or_missing_token_looks_like_no_ticket_at_all(client):
    body = file(client)
    missing = client.get("/api/v1/tickets/424242?token=whatever")
    wrong = client.get(
        f"/api/v1/tickets/{body['id']}?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )
    absent = client.get(f"/api/v1/tickets/{body['id']}")
    page = client.get(f"/tickets/{body['id']}?token=nope")
    assert missing.status_code == wrong.status_code == absent.status_code == page.status_code == 404
    assert (
        missing.get_json() == wrong.get_json() == absent.get_json() == {"error": "ticket not found"}
    )


def test_invalid_fields_are_all_named(client):
    response = client.post(
        "/api/v1/tickets",
        json=valid_ticket(
            type="access",
            security_needs="",
            title="",
            requester={"name": "A", "email": "nope"},
            colour="red",
        ),
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {
        "security_needs",
        "title",
        "requester.email",
        "colour",
    }


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe"])
def test_malformed_json_is_400(client, body):
    response = client.post("/api/v1/tickets", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


@pytest.mark.parametrize("body", [[], "text", 3, None, {"requester": [1]}])
def test_json_that_is_not_a_ticket_is_422(client, body):
    response = client.post(
        "/api/v1/tickets", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_a_body_over_the_limit_is_413_for_the_api_and_the_form(client):
    big = valid_ticket(requirements="x" * 300_000)
    api = client.post("/api/v1/tickets", json=big)
    assert api.status_code == 413
    assert "too large" in api.get_json()["error"]
    form = client.post("/tickets/new", data={"title": "t", "requirements": "x" * 300_000})
    assert form.status_code == 413
    assert b"too large" in form.data


def test_ticket_types_list_each_type_with_its_required_fields(client):
    types = {t["name"]: t for t in client.get("/api/v1/ticket-types").get_json()["ticket_types"]}
    assert "security_needs" in types["access"]["required"]
    assert types["access"]["always_private"] is True
    assert "capacity_needs" in types["hardware"]["required"]
    assert types["general"]["label"] == "General request"


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def form_fields(**overrides) -> dict:
    data = valid_ticket()
    fields = {k: v for k, v in data.items() if k not in ("requester", "private")}
    fields["acceptance_criteria"] = "\n".join(data["acceptance_criteria"])
    fields["dependencies"] = "\n".join(data["dependencies"])
    fields |= {"requester_name": "Ana Souza", "requester_email": "ana@example.org"}
    fields.update(overrides)
    return fields


def test_the_form_files_a_ticket_and_redirects_to_its_confirmation(client):
    response = client.post("/tickets/new", data=form_fields())
    assert response.status_code == 303
    confirmation = client.get(response.headers["Location"])
    assert confirmation.status_code == 200
    number = re.search(r"Ticket #(\d+) filed", confirmation.text).group(1)
    link = re.search(
        r'href="(http://rt\.example\.org/tickets/\d+\?token=[\w-]+)"', confirmation.text
    ).group(1)
    status = client.get(link.removeprefix("http://rt.example.org"))
    assert f"Ticket #{number}:" in status.text
    assert "The replica lags less than 60 s" in status.text


def test_a_rejected_form_keeps_what_was_typed_and_marks_each_bad_field(client):
    typed = form_fields(
        requester_email="ana-at-example", drop_dead_date="2020-01-01", title='Quote " and <tag>'
    )
    response = client.post("/tickets/new", data=typed)
    assert response.status_code == 422
    page = response.text
    assert 'id="requester_email-error"' in page
    assert 'id="drop_dead_date-error"' in page
    assert 'value="ana-at-example"' in page
    assert 'value="Quote &#34; and &lt;tag&gt;"' in page
    assert "A MySQL read replica of the wiki database" in page  # textarea kept
    assert 'aria-invalid="true"' in page


def test_a_status_token_allows_only_the_requester_s_actions(client):
    body = file(client)
    number, token = body["id"], body["status_url"].split("token=")[1]
    for action in ("wake", "take", "close", "split"):
        r = client.post(f"/api/v1/tickets/{number}/{action}?token={token}", json={})
        assert r.status_code == 403, (action, r.get_json())
    reply = client.post(
        f"/api/v1/tickets/{number}/reply?token={token}", json={"message": "Any news?"}
    )
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["history"][-1]["kind"] == "ticket.replied"


def test_the_requester_writes_from_the_status_page(client):
    body = file(client)
    path = body["status_url"].removeprefix("http://rt.example.org")
    number, token = body["id"], path.split("token=")[1]
    blank = client.post(f"/tickets/{number}/reply?token={token}", data={"message": "  "})
    assert blank.status_code == 422
    assert 'id="message-error"' in blank.text
    sent = client.post(f"/tickets/{number}/reply?token={token}", data={"message": "Any <news>?"})
    assert sent.status_code == 303
    page = client.get(sent.headers["Location"]).text
    assert "Sent: the team has your message." in page
    assert "Any &lt;news&gt;?" in page
    wrong = client.post(f"/tickets/{number}/reply?token=nope", data={"message": "hi"})
    assert wrong.status_code == 404
