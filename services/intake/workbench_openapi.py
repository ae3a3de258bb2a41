"""The OpenAPI rows of watchers, merging and bulk actions (services/intake/workbench_api.py),
for openapi.py to add to the document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from services.application import bulk, merging, watching

from .bulk_views import BulkResult
from .views import ErrorBody, StaffTicketView

REQUESTS: list[type[BaseModel]] = [watching.Watchers, merging.Merge, bulk.BulkRequest]
MODELS: list[type[BaseModel]] = [*REQUESTS, BulkResult]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(model)}}}


_UNAUTHORIZED = _json(ErrorBody, "no staff token, or one nobody issued")
_INVALID = _json(ErrorBody, "invalid fields, each named in `errors`")


def paths(number: dict[str, Any]) -> dict[str, Any]:
    staff: list[dict[str, list[str]]] = [{"staffToken": []}]
    return {
        "/api/v1/tickets/{number}/watchers": {
            "post": {
                "summary": "Add and remove watchers (any staff member): addresses that get "
                "every public mail the requester gets, each with a link that stops it",
                "parameters": [number],
                "security": staff,
                "requestBody": _body(watching.Watchers),
                "responses": {
                    "200": _json(StaffTicketView, "the ticket after the change"),
                    "401": _UNAUTHORIZED,
                    "404": _json(ErrorBody, "no such ticket"),
                    "409": _json(ErrorBody, "nothing to change, or someone else was first"),
                    "422": _INVALID,
                },
            }
        },
        "/api/v1/tickets/{number}/merge": {
            "post": {
                "summary": "Merge this duplicate into ticket `into` (triager, bugmeister): it "
                "closes pointing there, its requester and watchers watch `into`, both in one "
                "transaction",
                "parameters": [number],
                "security": staff,
                "requestBody": _body(merging.Merge),
                "responses": {
                    "200": _json(StaffTicketView, "the duplicate, closed, with `merged_into`"),
                    "401": _UNAUTHORIZED,
                    "403": _json(ErrorBody, "this person's role may not merge"),
                    "404": _json(ErrorBody, "no such ticket"),
                    "409": _json(
                        ErrorBody,
                        "into itself, into a finished or merged ticket, a ticket merged or "
                        "finished already, too many watchers, or someone else was first",
                    ),
                    "422": _json(ErrorBody, "no ticket `into`, or a malformed body"),
                },
            }
        },
        "/api/v1/tickets/bulk": {
            "post": {
                "summary": "One action on up to "
                f"{bulk.MAX_TICKETS} tickets: "
                + ", ".join(f"`{a}`" for a in bulk.ACTIONS)
                + ", with that action's own fields beside `tickets` and `action` (as its "
                "single endpoint takes them). Each ticket is its own transaction; the answer "
                "says, ticket by ticket, what was done and what was refused and why",
                "security": staff,
                "requestBody": _body(bulk.BulkRequest),
                "responses": {
                    "200": _json(BulkResult, "one result per ticket, in the order given"),
                    "401": _UNAUTHORIZED,
                    "422": _json(
                        ErrorBody, "an unknown action, too many tickets, or the action's fields"
                    ),
                },
            }
        },
    }
