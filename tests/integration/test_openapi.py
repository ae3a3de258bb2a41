"""/openapi.json is a valid OpenAPI document that describes exactly the API the app serves,
and the app's answers match the schemas it declares."""

from __future__ import annotations

import re

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.conftest import valid_ticket

# Every test reads only the tickets it filed: one stack serves them all.
pytestmark = pytest.mark.shared_stack


@pytest.fixture
def spec(client):
    return client.get("/openapi.json").get_json()


def test_the_document_is_valid_openapi(spec):
    validate(spec)


def test_every_api_route_is_documented_and_nothing_else(client, spec):
    served = set()
    for rule in client.application.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule == "/healthz":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(p, m) for p, ops in spec["paths"].items() for m in ops}
    assert served == documented


def conforms(spec, path, method, response):
    declared = spec["paths"][path][method]["responses"][str(response.status_code)]
    schema = declared["content"]["application/json"]["schema"]
    jsonschema.validate(
        response.get_json(),
        {**schema, "components": spec["components"]},
        cls=jsonschema.Draft202012Validator,
    )
    for header in declared.get("headers", {}):
        assert header in response.headers


def test_answers_conform_to_the_declared_schemas(client, spec):
    created = client.post("/api/v1/tickets", json=valid_ticket())
    conforms(spec, "/api/v1/tickets", "post", created)
    number, token = created.get_json()["id"], created.get_json()["status_url"].split("token=")[1]
    conforms(
        spec,
        "/api/v1/tickets/{number}",
        "get",
        client.get(f"/api/v1/tickets/{number}?token={token}"),
    )
    conforms(
        spec, "/api/v1/tickets/{number}", "get", client.get(f"/api/v1/tickets/{number}?token=x")
    )
    conforms(spec, "/api/v1/tickets", "post", client.post("/api/v1/tickets", json={"title": ""}))
    conforms(
        spec,
        "/api/v1/tickets",
        "post",
        client.post("/api/v1/tickets", data=b"{", content_type="application/json"),
    )
    conforms(spec, "/api/v1/ticket-types", "get", client.get("/api/v1/ticket-types"))
    conforms(spec, "/healthz", "get", client.get("/healthz"))


def test_the_request_schema_accepts_a_valid_ticket_and_rejects_unknown_fields(spec):
    schema = {**spec["components"]["schemas"]["TicketDraft"], "components": spec["components"]}
    ref = {"$ref": "#/components/schemas/TicketDraft", "components": spec["components"]}
    jsonschema.validate(valid_ticket(), ref, cls=jsonschema.Draft202012Validator)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(valid_ticket(colour="red"), ref, cls=jsonschema.Draft202012Validator)
    assert set(schema["required"]) == {"type", "title", "requirements", "requester"}
