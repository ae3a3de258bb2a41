"""The OpenAPI 3.1 document, generated from the same pydantic models the API validates
with and answers with. tests/integration/test_openapi.py keeps it true to the routes."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from services.domain.intake import TicketDraft

from .views import ErrorBody, Health, TicketCreated, TicketTypeList, TicketView

_MODELS: list[type[BaseModel]] = [
    TicketDraft,
    TicketCreated,
    TicketView,
    TicketTypeList,
    ErrorBody,
    Health,
]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _error(description: str) -> dict[str, Any]:
    return _json(ErrorBody, description)


@functools.cache
def openapi_document() -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(m, "validation" if m is TicketDraft else "serialization") for m in _MODELS],
        ref_template="#/components/schemas/{model}",
    )
    token = {
        "name": "token",
        "in": "query",
        "required": True,
        "description": "The secret from the ticket's status link.",
        "schema": {"type": "string"},
    }
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "RT Flow",
            "version": "1",
            "description": "File tickets and follow them. Errors carry `errors`: field -> message.",
        },
        "paths": {
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": _json(Health, "ok")}}},
            "/api/v1/ticket-types": {
                "get": {
                    "summary": "Ticket types and the fields each requires",
                    "responses": {"200": _json(TicketTypeList, "the flow config's types")},
                }
            },
            "/api/v1/tickets": {
                "post": {
                    "summary": "File a ticket",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(TicketDraft)}},
                    },
                    "responses": {
                        "201": {
                            **_json(TicketCreated, "filed; `status_url` is private"),
                            "headers": {
                                "Location": {
                                    "schema": {"type": "string"},
                                    "description": "the ticket's API URL",
                                }
                            },
                        },
                        "400": _error("malformed JSON"),
                        "413": _error("body too large"),
                        "422": _error("invalid fields, each named in `errors`"),
                    },
                }
            },
            "/api/v1/tickets/{number}": {
                "get": {
                    "summary": "A ticket and its public history, for the holder of its token",
                    "parameters": [number, token],
                    "responses": {
                        "200": _json(TicketView, "the ticket"),
                        "404": _error("no such ticket, or wrong token"),
                    },
                }
            },
        },
        "components": {"schemas": schemas["$defs"]},
    }
