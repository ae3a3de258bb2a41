"""A requester's files on /me (the signed-in session): download the public files of their own
tickets and add files from the ticket's page. Someone else's ticket answers 404, as on every
/me page."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, request, url_for
from werkzeug.wrappers import Response

from services.application import attaching
from services.domain.actors import Actor
from services.domain.errors import DomainError, TicketNotFound

from .attachments import deps, form_uploads, serve
from .errors import FormFailure
from .selfservice import _render_ticket, bp


def _requester() -> Actor:
    return Actor.requester(g.requester_email)


@bp.get("/tickets/<int:number>/attachments/<attachment_id>")
def download_file(number: int, attachment_id: str) -> Response:
    return serve(number, attachment_id, _requester())


@bp.post("/tickets/<int:number>/attachments")
def attach(number: int) -> Any:
    try:
        refs = attaching.attach(number, form_uploads(), _requester(), True, deps())
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
    return redirect(url_for("me.ticket", number=number, _anchor="attachments"), code=303)
