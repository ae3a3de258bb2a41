"""A ticket's files in the console: downloaded with the console's session, and added by the
ticket page's form (templates/staff/_attachments.html). Both go through the same use case
and serving as the JSON API (services/intake/attachments.py)."""

from __future__ import annotations

from flask import g
from werkzeug.wrappers import Response

from ..attachments import attach_by_form, serve
from .ticket import _render_ticket
from .web import bp


@bp.get("/tickets/<int:number>/attachments/<attachment_id>")
def download_file(number: int, attachment_id: str) -> Response:
    return serve(number, attachment_id, g.staff)


@bp.post("/tickets/<int:number>/attachments")
def attach(number: int) -> Response | tuple[str, int]:
    return attach_by_form(number, g.staff, _render_ticket, "console.ticket")
