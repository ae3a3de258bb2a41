"""The JSON API of watchers, merging and bulk actions, for staff (bearer token):

- POST /api/v1/tickets/<n>/watchers {"add": [...], "remove": [...]}: the ticket after;
- POST /api/v1/tickets/<n>/merge {"into": m}: the duplicate after (closed, `merged_into`);
- POST /api/v1/tickets/bulk {"tickets": [...], "action": ..., <the action's fields>}: 200
  with one result per ticket, done or refused and why (each ticket its own transaction).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from pydantic import BaseModel

from services.application import bulk, merging, watching
from services.domain.actors import Actor
from services.domain.errors import TicketNotFound, Unauthorized, ValidationFailed

from .api import json_body
from .auth import bearer_staff
from .bulk_views import BulkOutcome, BulkResult
from .errors import status_of
from .status import staff_view

bp = Blueprint("workbench_api", __name__)


def _outcome(o: bulk.Outcome) -> BulkOutcome:
    e = o.failure
    if e is None:
        return BulkOutcome(ticket=o.ticket, ok=True, status=o.status)
    if isinstance(e, TicketNotFound):
        return BulkOutcome(ticket=o.ticket, ok=False, code=404, error="there is no such ticket")
    errors = e.errors if isinstance(e, ValidationFailed) else None
    return BulkOutcome(ticket=o.ticket, ok=False, code=status_of(e), error=str(e), errors=errors)


def _staff() -> Actor:
    actor = bearer_staff()
    if actor is None:
        raise Unauthorized("use Authorization: Bearer <staff token>")
    return actor


def _json(model: BaseModel) -> Response:
    return Response(model.model_dump_json(), mimetype="application/json")


@bp.post("/api/v1/tickets/<int:number>/watchers")
def watchers(number: int) -> Response:
    actor = _staff()
    deps = current_app.extensions["rtflow"].ticket_deps
    ticket = watching.change_watchers(number, json_body(), actor, deps)
    return _json(staff_view(number, ticket))


@bp.post("/api/v1/tickets/<int:number>/merge")
def merge(number: int) -> Response:
    actor = _staff()
    deps = current_app.extensions["rtflow"].ticket_deps
    duplicate, _ = merging.merge(number, json_body(), actor, deps)
    return _json(staff_view(number, duplicate))


def bulk_result(data: object, actor: Actor) -> BulkResult:
    """What the API answers and the console's result page shows."""
    deps = current_app.extensions["rtflow"].ticket_deps
    outcomes = [_outcome(o) for o in bulk.perform_bulk(data, actor, deps)]
    done = sum(o.ok for o in outcomes)
    action = data.get("action", "") if isinstance(data, dict) else ""
    return BulkResult(action=str(action), done=done, refused=len(outcomes) - done, results=outcomes)


@bp.post("/api/v1/tickets/bulk")
def bulk_action() -> Response:
    actor = _staff()
    return _json(bulk_result(json_body(), actor))
