"""The OpenAPI 3.1 document, generated from the same pydantic models the API validates
with and answers with. tests/integration/test_openapi.py keeps it true to the routes."""

from __future__ import annotations

import copy
import functools
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from services.application import actions
from services.domain.drafts import TicketDraft

from . import queue, workbench_openapi
from .attachment_views import AttachmentList
from .find import FindQuery, TicketList
from .openapi_files import attachment_paths
from .paths import NUMBER_MAX
from .views import (
    ErrorBody,
    Health,
    QueuePage,
    StaffTicketView,
    TicketCreated,
    TicketTypeList,
    TicketView,
)

_BODIES: dict[str, type[BaseModel]] = {
    **{name: schema for name, (schema, _) in actions.ACTIONS.items()},
    "split": actions.Split,
}
_REQUESTS = {TicketDraft, *_BODIES.values(), *workbench_openapi.REQUESTS}
_MODELS: list[type[BaseModel]] = [
    TicketDraft,
    *dict.fromkeys(_BODIES.values()),
    TicketCreated,
    TicketView,
    StaffTicketView,
    TicketTypeList,
    ErrorBody,
    Health,
    QueuePage,
    AttachmentList,
    TicketList,
    *workbench_openapi.MODELS,
]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _error(description: str) -> dict[str, Any]:
    return _json(ErrorBody, description)


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """A query-string model's fields as OpenAPI parameters: what it validates is what the
    document says (an optional field's `null` dropped: an absent parameter is its default)."""
    parameters = []
    for name, prop in model.model_json_schema(mode="validation")["properties"].items():
        schema = {k: v for k, v in prop.items() if k not in ("title", "description", "anyOf")}
        given = [s for s in prop.get("anyOf", []) if s != {"type": "null"}]
        if len(given) == 1:
            schema |= given[0]
        if schema.get("default") in (None, ""):
            schema.pop("default", None)
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": prop.get("description", ""),
                "schema": schema,
            }
        )
    return parameters


def _queue_path() -> dict[str, Any]:
    """GET /api/v1/queue: the public queue (services/intake/queue/); its parameters are the
    fields of the model the queue validates its query string with."""
    return {
        "get": {
            "summary": "The public queue: every non-private ticket (private ones never appear). "
            "Open tickets page by number (`page`, `total`, `pages`); resolved, closed and "
            "rejected ones by the `next` link. Cacheable: `Cache-Control: public, "
            f"max-age={queue.MAX_AGE}` and an ETag.",
            "parameters": _query_parameters(queue.QueueQuery),
            "responses": {
                "200": _json(QueuePage, "one page of public tickets"),
                "304": {"description": "not modified since the ETag in `If-None-Match`"},
                "400": _error(
                    "an unknown status, type, owner or sort, or a bad page; each named in `errors`"
                ),
            },
        }
    }


def _find_get() -> dict[str, Any]:
    """GET /api/v1/tickets: the staff search (services/intake/find/); its parameters are the
    fields of the model it validates its query string with."""
    return {
        "summary": "Find tickets (staff): every word of `q` must match; filters; newest first, "
        "a page at a time by the `next` cursor. `format=csv`: the same tickets as text/csv "
        "(formula-safe), with a `Link` header to what follows",
        "parameters": _query_parameters(FindQuery),
        "security": [{"staffToken": []}],
        "responses": {
            "200": {
                **_json(TicketList, "one page of tickets"),
                "content": {
                    "application/json": {"schema": _ref(TicketList)},
                    "text/csv": {"schema": {"type": "string"}},
                },
            },
            "401": _error("no bearer token, or one nobody issued"),
            "422": _error(
                "an unknown status, type, owner or sort, a bad address, page size "
                "or cursor, too many words; each named in `errors`"
            ),
        },
    }


@functools.cache
def openapi_document() -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(m, "validation" if m in _REQUESTS else "serialization") for m in _MODELS],
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
            "/api/v1/queue": _queue_path(),
            "/api/v1/tickets": {
                "get": _find_get(),
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
                },
            },
            "/api/v1/tickets/{number}": {
                "get": {
                    "summary": "A ticket: all of it for staff (bearer token); its public part and "
                    "public history for the holder of its status token",
                    "parameters": [number, {**token, "required": False}],
                    "security": [{}, {"staffToken": []}],
                    "responses": {
                        "200": {
                            "description": "the ticket",
                            "content": {
                                "application/json": {
                                    "schema": {"anyOf": [_ref(StaffTicketView), _ref(TicketView)]}
                                }
                            },
                        },
                        "401": _error("a bearer token nobody issued"),
                        "404": _error("no such ticket, or wrong token"),
                    },
                }
            },
            **attachment_paths(number, token, _json, _error),
            **workbench_openapi.paths(number),
            "/api/v1/tickets/{number}/{action}": {
                "post": {
                    "summary": "Act on a ticket. Staff authenticate with a bearer token; the "
                    "requester may `reopen` with the status token. The body depends on the "
                    "action: "
                    + "; ".join(f"`{a}`: {m.__name__}" for a, m in _BODIES.items())
                    + "; `add-info` (the requester, with the status token): any of the intake "
                    "fields " + ", ".join(actions.ADDABLE) + ", as in TicketDraft",
                    "parameters": [
                        number,
                        {
                            "name": "action",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": sorted(actions.KNOWN)},
                        },
                        {**token, "required": False},
                    ],
                    "security": [{"staffToken": []}, {}],
                    "requestBody": {
                        "required": False,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "anyOf": [_ref(m) for m in dict.fromkeys(_BODIES.values())]
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "the ticket after the action",
                            "content": {
                                "application/json": {
                                    "schema": {"anyOf": [_ref(StaffTicketView), _ref(TicketView)]}
                                }
                            },
                        },
                        "400": _error("malformed JSON"),
                        "401": _error("no credentials, or a token nobody issued"),
                        "403": _error("this person's role may not do this"),
                        "404": _error("no such ticket or action, or wrong status token"),
                        "409": _error(
                            "the ticket's state does not allow it, a WIP limit, "
                            "unfinished sub-tickets, or someone else was first"
                        ),
                        "422": _error("invalid fields, each named in `errors`"),
                    },
                }
            },
        },
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {
                "staffToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a staff token from `rtflow token issue <member>`",
                }
            },
        },
    }


# -- the flow config's names ---------------------------------------------------------------

# Parameters and fields that name a ticket type or a team member: free strings in the models
# (the flow config is not known when they are built), enums in the document served.
_TYPE_NAMES = frozenset({"type"})
_MEMBER_NAMES = frozenset({"owner"})


def _named(schema: dict[str, Any], choices: list[str]) -> None:
    if schema.get("type") == "string" and "enum" not in schema:
        # Blank is what the queue's filter form sends for "any": taken as "not given".
        schema["enum"] = ["", *choices] if "default" not in schema else choices


def document_for(flow: Any) -> dict[str, Any]:
    """The document with the flow config's ticket types and team members as the enums of
    every query parameter that names one, and of the filing's `type`."""
    doc = copy.deepcopy(openapi_document())
    types = [t.name for t in flow.ticket_types]
    members = [m.id for m in flow.team.members]
    for path in doc["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                schema = parameter["schema"]
                if parameter["name"] in _TYPE_NAMES:
                    _named(schema, types)
                elif parameter["name"] in _MEMBER_NAMES:
                    _named(schema, members)
                elif "" not in schema.get("enum", [""]):
                    # A choice left blank is taken as not given (the default), as forms send it.
                    schema["enum"] = ["", *schema["enum"]]
    draft = doc["components"]["schemas"].get(TicketDraft.__name__, {})
    filing_type = draft.get("properties", {}).get("type")
    if isinstance(filing_type, dict) and filing_type.get("type") == "string":
        # The types people file (a tool's type is for its hook), where the flow says which.
        filing = getattr(flow, "people_types", flow.ticket_types)
        filing_type["enum"] = [t.name for t in filing]
    _with_common_answers(doc)
    return doc


# -- links and limits ----------------------------------------------------------------------

_TICKET = "#/paths/~1api~1v1~1tickets~1{number}"
_LINKS = {
    # Filing answers the new number: read it, act on it (a fuzzer's stateful phase walks
    # file -> act -> read by these).
    ("/api/v1/tickets", "post", "201"): {
        "ReadTicket": {
            "operationRef": f"{_TICKET}/get",
            "parameters": {"number": "$response.body#/id"},
        },
        "ActOnTicket": {
            "operationRef": f"{_TICKET}~1{{action}}/post",
            "parameters": {"number": "$response.body#/id"},
        },
    },
    ("/api/v1/tickets/{number}/{action}", "post", "200"): {
        "ReadTicket": {
            "operationRef": f"{_TICKET}/get",
            "parameters": {"number": "$request.path.number"},
        },
    },
}


def _with_common_answers(doc: dict[str, Any]) -> None:
    """The links between operations, and the answers any operation may give: 429 from the
    limits (throttle.py); 400 and 413 to a body that is no JSON or too large (errors.py)."""
    limited = _error(
        "too many requests (or refused credentials) from your address; wait as `Retry-After` says"
    )
    limited["headers"] = {
        "Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}
    }
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault("429", limited)
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "number" and parameter.get("in") == "path":
                    parameter["schema"] = {"type": "integer", "minimum": 0, "maximum": NUMBER_MAX}
            if "requestBody" in operation:
                responses.setdefault("400", _error("a body that is not what the operation reads"))
                responses.setdefault("413", _error("a body over the size limit"))
            for status, links in ((s, _LINKS.get((path, method, s))) for s in list(responses)):
                if links:
                    responses[status]["links"] = links
