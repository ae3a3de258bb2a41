"""A requester's files on /me (the signed-in session): download the public files of their own
tickets and add files from the ticket's page. Someone else's ticket answers 404, as on every
/me page."""

from __future__ import annotations

from typing import Any

from flask import g
from werkzeug.wrappers import Response

from services.domain.actors import Actor

from .attachments import attach_by_form, serve
from .selfservice import _render_ticket, bp


def _requester() -> Actor:
    return Actor.requester(g.requester_email)


@bp.get("/tickets/<int:number>/attachments/<attachment_id>")
def download_file(number: int, attachment_id: str) -> Response:
    return serve(number, attachment_id, _requester())


@bp.post("/tickets/<int:number>/attachments")
def attach(number: int) -> Any:
    return attach_by_form(number, _requester(), _render_ticket, "me.ticket")
