"""GET /api/v1/tickets: the staff search (bearer token), a page as JSON or the view as CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request

from services.domain.errors import Unauthorized

from ..auth import bearer_staff
from .query import FindQuery, parse_find
from .reading import as_csv
from .views import FoundTicket, TicketList

bp = Blueprint("find", __name__)


def _container() -> Any:
    return current_app.extensions["rtflow"]


def absolute(path: str, params: dict[str, str] | None = None) -> str:
    base = _container().settings.base_url.rstrip("/")
    return f"{base}{path}" + (f"?{urlencode(params)}" if params else "")


def csv_response(f: FindQuery, link: Callable[[FindQuery], str]) -> Response:
    """The view as a CSV download; `Link: <...>; rel="next"` (the view from where this one
    stops, as `link` makes its URL) when more tickets follow."""
    body, after = as_csv(_container().search, f)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="tickets.csv"'
    if after:
        response.headers["Link"] = f'<{link(f.model_copy(update={"cursor": after}))}>; rel="next"'
    return response


def _api_url(f: FindQuery) -> str:
    return absolute("/api/v1/tickets", f.params())


@bp.get("/api/v1/tickets")
def find_tickets() -> Response:
    if bearer_staff() is None:
        raise Unauthorized("use Authorization: Bearer <staff token>")
    f = parse_find(request.args, _container().flow)
    if f.format == "csv":
        return csv_response(f, _api_url)
    page = _container().search.search(f.search())
    after = f.model_copy(update={"cursor": page.next})
    body = TicketList(
        tickets=[FoundTicket.of(t, absolute(f"/api/v1/tickets/{t.number}")) for t in page.tickets],
        next=page.next or None,
        next_url=_api_url(after) if page.next else None,
    )
    return Response(body.model_dump_json(), mimetype="application/json")
