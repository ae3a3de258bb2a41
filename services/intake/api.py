"""The JSON API: /healthz, /api/v1/..., /openapi.json."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import BadRequest, NotFound

from services.application import actions
from services.application.filing import file_ticket
from services.domain.errors import Forbidden, Unauthorized

from .auth import bearer_staff
from .openapi import document_for
from .status import requester_by_token, requester_view, staff_view, status_url
from .views import (
    Health,
    TicketCreated,
    TicketTypeList,
    TicketTypeView,
    TicketView,
)

bp = Blueprint("api", __name__)


def _json(model, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        model.model_dump_json(), status=status, headers=headers, mimetype="application/json"
    )


def json_body(allow_empty: bool = False):
    """The request's JSON; a client that forgets the Content-Type still gets it read."""
    if allow_empty and not request.get_data():
        return {}
    try:
        return request.get_json(force=True)
    except RecursionError:  # nesting deep enough to exhaust the parser is malformed too
        raise BadRequest() from None


@bp.get("/healthz")
def healthz():
    return _json(Health(status="ok"))


@bp.get("/openapi.json")
def openapi():
    return current_app.json.response(document_for(current_app.extensions["rtflow"].flow))


@bp.get("/api/v1/ticket-types")
def ticket_types():
    flow = current_app.extensions["rtflow"].flow
    # The types people file: a tool's are for its hook.
    return _json(TicketTypeList(ticket_types=[TicketTypeView.of(t) for t in flow.people_types]))


@bp.post("/api/v1/tickets")
def create_ticket():
    c = current_app.extensions["rtflow"]
    data = json_body()
    filed = file_ticket(
        data,
        c.ticket_deps,
        source="api",
    )
    body = TicketCreated(
        id=filed.ticket.number,
        status=filed.ticket.status.value,
        status_url=status_url(filed.ticket.number, filed.token),
    )
    location = url_for("api.get_ticket", number=filed.ticket.number)
    return _json(body, 201, {"Location": location})


@bp.get("/api/v1/tickets/<int:number>")
def get_ticket(number: int):
    """Staff (bearer token) see everything; a requester (status token) the public part."""
    staff = bearer_staff()
    if staff is not None:
        return _json(staff_view(number))
    return _json(requester_view(number, request.args.get("token")))


@bp.post("/api/v1/tickets/<int:number>/<action>")
def act(number: int, action: str):
    if action not in actions.KNOWN:
        raise NotFound()
    c = current_app.extensions["rtflow"]
    actor = bearer_staff()
    if actor is None:
        token = request.args.get("token")
        if token is None:
            raise Unauthorized(
                "use Authorization: Bearer <staff token>, or the status link's token"
            )
        actor = requester_by_token(number, token)
        if action not in actions.REQUESTER_ACTIONS:
            raise Forbidden(
                f"the requester may {', '.join(sorted(actions.REQUESTER_ACTIONS))}; not {action}"
            )
    ticket, history = actions.perform_answered(
        number, action, json_body(allow_empty=True), actor, c.ticket_deps
    )
    if actor.is_staff:
        return _json(staff_view(number, ticket, history))
    return _json(TicketView.of(ticket, history))
