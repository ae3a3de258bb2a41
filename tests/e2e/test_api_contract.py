"""The JSON API's contract as a client sees it: status codes, bodies and headers."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin

import pytest
import requests

from services.domain.flow import OPTIONAL_FIELDS

from .support import in_days, ticket_body, unique

pytestmark = pytest.mark.e2e

LIMIT = 256 * 1024


def post_json(stack: str, body, **kwargs) -> requests.Response:
    return requests.post(f"{stack}/api/v1/tickets", json=body, timeout=10, **kwargs)


def post_raw(stack: str, data: str | bytes, content_type: str = "application/json"):
    return requests.post(
        f"{stack}/api/v1/tickets", data=data, headers={"Content-Type": content_type}, timeout=10
    )


def test_filing_answers_201_with_a_location_an_integer_id_and_an_unguessable_status_url(stack):
    r = post_json(stack, ticket_body(unique()))

    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    created = r.json()
    assert set(created) == {"id", "status", "status_url"}
    assert type(created["id"]) is int and created["id"] > 0
    assert created["status"] == "new"
    match = re.fullmatch(
        rf"{re.escape(stack)}/tickets/{created['id']}\?token=([A-Za-z0-9_-]+)",
        created["status_url"],
    )
    assert match, created["status_url"]
    token = match[1]
    # URL-safe base64: 6 bits a character; 128 bits need at least 22 of them.
    assert len(token) >= 22
    location = urljoin(f"{stack}/", r.headers["Location"])
    assert location == f"{stack}/api/v1/tickets/{created['id']}"
    assert requests.get(location, params={"token": token}, timeout=10).json()["id"] == created["id"]


def test_successive_and_concurrent_filings_get_distinct_ids(stack):
    first = post_json(stack, ticket_body(unique())).json()["id"]
    second = post_json(stack, ticket_body(unique())).json()["id"]
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: post_json(stack, ticket_body(unique())), range(6)))

    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    ids = [first, second, *(r.json()["id"] for r in responses)]
    assert len(set(ids)) == len(ids), ids
    assert second > first
    tokens = {r.json()["status_url"].split("token=")[1] for r in responses}
    assert len(tokens) == len(responses)


def test_an_invalid_body_is_answered_422_naming_every_bad_field(stack):
    body = ticket_body(
        unique(),
        title="",
        end_state="   ",
        acceptance_criteria=[],
        drop_dead_date="2001-01-01",
        nice_to_have_date="soon",
        requester={"name": "", "email": "not-an-email", "phone": "555"},
        private="perhaps",
        colour="red",
    )

    r = post_json(stack, body)

    assert r.status_code == 422, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    answer = r.json()
    assert answer["error"]
    expected = {
        "title",
        "end_state",
        "acceptance_criteria",
        "drop_dead_date",
        "nice_to_have_date",
        "requester.name",
        "requester.email",
        "requester.phone",
        "private",
        "colour",
    }
    assert set(answer["errors"]) == expected
    assert all(isinstance(m, str) and m for m in answer["errors"].values())
    assert "known" in answer["errors"]["colour"]


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({}, {"type", "title", "requirements", "requester"}),
        (
            {
                "type": "nope",
                "title": "t",
                "requirements": "r",
                "requester": {"name": "n", "email": "n@example.com"},
            },
            {"type"},
        ),
        (
            {
                "type": "hardware",
                "title": "t",
                "requirements": "r",
                "requester": {"name": "n", "email": "n@example.com"},
            },
            {"end_state", "acceptance_criteria", "capacity_needs", "drop_dead_date"},
        ),
        (
            ticket_body(type="access", security_needs=""),
            {"security_needs"},
        ),
        (
            ticket_body(drop_dead_date=in_days(5), nice_to_have_date=in_days(6)),
            {"nice_to_have_date"},
        ),
        (ticket_body(title="x" * 201), {"title"}),
        (ticket_body(acceptance_criteria=["ok"] * 51), {"acceptance_criteria"}),
        (ticket_body(dependencies=["x" * 501]), {"dependencies"}),
        (ticket_body(requirements="x" * 10_001), {"requirements"}),
    ],
    ids=[
        "empty object",
        "unknown type",
        "hardware without its required fields",
        "access without security needs",
        "nice-to-have after drop-dead",
        "title too long",
        "too many criteria",
        "dependency too long",
        "requirements too long",
    ],
)
def test_each_rule_is_reported_against_its_field(stack, body, bad):
    r = post_json(stack, body)

    assert r.status_code == 422, r.text
    assert bad <= set(r.json()["errors"]), r.json()
    assert set(r.json()["errors"]) - bad <= {"requester.name", "requester.email"}


def test_malformed_json_is_answered_400_in_json(stack):
    for data in ('{"type": "general",', "{bad", b"\xff\xfe{", "", '{"title": ' + "9" * 5000 + "}"):
        r = post_raw(stack, data)
        assert r.status_code == 400, (data[:20], r.status_code, r.text)
        assert r.headers["Content-Type"].startswith("application/json")
        assert r.json()["error"]


def test_a_body_over_the_limit_is_answered_413(stack):
    body = ticket_body(unique(), requirements="x" * (LIMIT + 1024))
    r = post_json(stack, body)

    assert r.status_code == 413, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]

    form = requests.post(f"{stack}/tickets/new", data={"title": "x" * (LIMIT + 1024)}, timeout=10)
    assert form.status_code == 413


def test_the_health_check_says_ok(stack):
    r = requests.get(f"{stack}/healthz", timeout=10)

    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_the_ticket_types_list_every_type_with_its_required_fields(stack):
    r = requests.get(f"{stack}/api/v1/ticket-types", timeout=10)

    assert r.status_code == 200
    types = {t["name"]: t for t in r.json()["ticket_types"]}
    assert list(types) == ["general", "access", "hardware", "database", "incident-followup"]
    always = {"type", "title", "requirements", "requester.name", "requester.email"}
    assert set(types["general"]["required"]) == always | {"end_state", "acceptance_criteria"}
    assert set(types["access"]["required"]) == always | {
        "end_state",
        "acceptance_criteria",
        "security_needs",
    }
    assert set(types["hardware"]["required"]) == always | {
        "end_state",
        "acceptance_criteria",
        "capacity_needs",
        "drop_dead_date",
    }
    assert types["access"]["always_private"] is True
    assert types["general"]["always_private"] is False
    assert all(t["label"] for t in types.values())


# ---------------------------------------------------------------- nothing yields a 500

WRONG_VALUES = [
    None,
    0,
    -1,
    1.5,
    10**30,
    True,
    "",
    " ",
    "\x00",
    "x" * 600,
    [],
    [None],
    [[]],
    [{"a": 1}],
    {},
    {"a": {"b": [1, {"c": None}]}},
]
FIELDS = ["type", "title", "requirements", *OPTIONAL_FIELDS, "requester", "private"]


def assert_client_error(r: requests.Response, what: str) -> None:
    assert r.status_code < 500, f"{what}: {r.status_code} {r.text[:300]}"
    assert r.headers["Content-Type"].startswith("application/json"), what
    assert isinstance(r.json(), dict), what


def test_no_value_of_the_wrong_type_in_any_field_causes_a_server_error(stack):
    uid = unique()
    with requests.Session() as s:
        for field in [*FIELDS, "requester.name", "requester.email"]:
            for value in WRONG_VALUES:
                body = ticket_body(uid, title=f"Wrong types {uid}")
                if field.startswith("requester."):
                    body["requester"] = {**body["requester"], field.split(".")[1]: value}
                else:
                    body[field] = value
                r = s.post(f"{stack}/api/v1/tickets", json=body, timeout=10)
                assert_client_error(r, f"{field}={value!r:.40}")


@pytest.mark.parametrize(
    "data",
    [
        "[]",
        "[1, 2]",
        '"a string"',
        "42",
        "null",
        "true",
        '{"requester": {"name": {"a": []}, "email": ["x"]}, "type": ["general"]}',
        '{"type": "general", "title": NaN, "requirements": Infinity}',
        '{"type": {"$ne": null}}',
        '{"title": "\\ud800", "type": "general"}',
        '{"a":' * 400 + "1" + "}" * 400,
        "[" * 5_000 + "]" * 5_000,
        '{"a":' * 20_000 + "1" + "}" * 20_000,
    ],
    ids=[
        "empty list",
        "list",
        "string",
        "number",
        "null",
        "boolean",
        "nested garbage",
        "NaN and Infinity",
        "operator injection",
        "lone surrogate",
        "deep object",
        "very deep list",
        "very deep object",
    ],
)
def test_no_body_shape_causes_a_server_error(stack, data):
    r = post_raw(stack, data)

    assert_client_error(r, data[:40])
    assert r.status_code in (400, 422), r.text


def test_a_json_body_without_a_content_type_is_still_read(stack):
    body = ticket_body(unique())
    r = post_raw(stack, json.dumps(body), content_type="text/plain")

    assert r.status_code == 201, r.text
