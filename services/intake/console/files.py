"""A ticket's files in the console: downloaded with the console's session, and added by the
ticket page's form (templates/staff/_attachments.html). Both go through the same use case
and serving as the JSON API (services/intake/attachments.py)."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from werkzeug.wrappers import Response

from services.application import attaching
from services.domain.errors import DomainError, TicketNotFound

from ..attachments import deps, form_uploads, public_flag, serve
from ..errors import FormFailure
from .ticket import _render_ticket
from .web import bp


@bp.get("/tickets/<int:number>/attachments/<attachment_id>")
def download_file(number: int, attachment_id: str) -> Response:
    return serve(number, attachment_id, g.staff)


@bp.post("/tickets/<int:number>/attachments")
def attach(number: int) -> Response | tuple[str, int]:
    try:
        refs = attaching.attach(number, form_uploads(), g.staff, public_flag(g.staff), deps())
    except TicketNotFound:
        raise
    except DomainError as e:
        failure = FormFailure.of(e)
        return _render_ticket(
            number,
            failed="attach",
            values=request.form,
            error=failure.message,
            errors=failure.errors,
            status=failure.status,
        )
    flash("Attached: " + ", ".join(r.name for r in refs))
    return redirect(url_for("console.ticket", number=number, _anchor="attachments"), code=303)
