"""The JSON API: /healthz, /api/v1/..., /openapi.json."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import BadRequest

from .filing import file_ticket
from .openapi import openapi_document
from .status import requester_view, status_url
from .views import Health, TicketCreated, TicketTypeList, TicketTypeView

bp = Blueprint("api", __name__)


def _json(model, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        model.model_dump_json(), status=status, headers=headers, mimetype="application/json"
    )


@bp.get("/healthz")
def healthz():
    return _json(Health(status="ok"))


@bp.get("/openapi.json")
def openapi():
    return current_app.json.response(openapi_document())


@bp.get("/api/v1/ticket-types")
def ticket_types():
    flow = current_app.extensions["rtflow"].flow
    return _json(TicketTypeList(ticket_types=[TicketTypeView.of(t) for t in flow.ticket_types]))


@bp.post("/api/v1/tickets")
def create_ticket():
    c = current_app.extensions["rtflow"]
    # force: a client that forgets the Content-Type still gets its JSON read (or a 400).
    try:
        data = request.get_json(force=True)
    except RecursionError:  # nesting deep enough to exhaust the parser is malformed too
        raise BadRequest() from None
    filed = file_ticket(
        data,
        tickets=c.tickets,
        flow=c.flow,
        clock=c.clock,
        secret_key=c.settings.secret_key,
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
    return _json(requester_view(number, request.args.get("token")))
