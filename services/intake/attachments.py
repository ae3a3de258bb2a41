"""Files on tickets over HTTP: upload (multipart field `file`) and download, for staff (bearer
token, or the console's session: console/files.py), the requester (the status link's token,
or the /me session: me_files.py), and nobody else.

Uploads are the only bodies larger than settings.max_request_bytes the app takes: the routes
in UPLOAD_ENDPOINTS get settings.upload_request_bytes, raised before anything reads the body
(the CSRF check reads the form), so every other route keeps the small limit.

Downloads are always `Content-Disposition: attachment` (RFC 6266, with `filename*`) of
`application/octet-stream`, `nosniff`, never cached: the sender's content type is shown, never
trusted. A file somebody may not see answers as a file that does not exist (404).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable
from typing import IO, Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.datastructures import FileStorage

from services.application import attaching
from services.application.attaching import Upload
from services.domain.actors import Actor
from services.domain.attachments import Attachment, Limits, size_words
from services.domain.errors import DomainError, TicketNotFound, Unauthorized, ValidationFailed

from .attachment_views import AttachmentList, requester_files, staff_files
from .auth import bearer_staff
from .errors import FormFailure
from .status import file_url, requester_by_token, requester_view

bp = Blueprint("attachments", __name__)

UPLOAD_ENDPOINTS = frozenset(
    {
        "attachments.upload",
        "attachments.upload_from_status_page",
        "console.attach",
        "me.attach",
        "pages.submit_ticket",
    }
)
_YES, _NO = frozenset({"true", "on", "yes", "1"}), frozenset({"false", "off", "no", "0"})


def _container() -> Any:
    return current_app.extensions["rtflow"]


def deps() -> attaching.AttachDeps:
    c = _container()
    return attaching.AttachDeps(c.tickets, c.attachments, c.clock, c.attachment_limits)


def too_large_words(limits: Limits) -> str:
    return (
        f"the files are too large: attach at most {limits.at_once} files at once, each at most"
        f" {size_words(limits.max_bytes)}"
    )


@bp.app_context_processor
def attachment_globals() -> dict[str, Any]:
    """What the pages' file lists and upload forms say of sizes and limits."""
    return {"attachment_limits": _container().attachment_limits, "size_words": size_words}


def raise_upload_limit() -> None:
    """An app-wide before_request, registered before the CSRF check reads any form. Only a
    multipart body carries files; each of its other fields still has the small limit
    (MAX_FORM_MEMORY_SIZE), and any other body the small limit as a whole."""
    if request.endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data":
        c = _container()
        request.max_content_length = c.settings.upload_request_bytes
        g.too_large = too_large_words(c.attachment_limits)


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def uploads(files: Iterable[FileStorage]) -> list[Upload]:
    """The form's files; a file input left empty sends a part without a name: not a file."""
    return [
        Upload(f.filename, f.mimetype, _size(f.stream), f.stream.read) for f in files if f.filename
    ]


def form_uploads() -> list[Upload]:
    return uploads(request.files.getlist("file"))


def attach_by_form(number: int, actor: Actor, render: Callable[..., Any], page: str) -> Any:
    """A ticket page's add-files form (the console's, /me's): the files added and back to
    the page's files, or the page again with what was refused named."""
    try:
        refs = attaching.attach(number, form_uploads(), actor, public_flag(actor), deps())
    except TicketNotFound:
        raise  # the page's own 404
    except DomainError as e:
        failure = FormFailure.of(e)
        return render(
            number,
            failed="attach",
            values=request.form,
            error=failure.message,
            errors=failure.errors,
            status=failure.status,
        )
    flash("Attached: " + ", ".join(r.name for r in refs))
    return redirect(url_for(page, number=number, _anchor="attachments"), code=303)


def public_flag(actor: Actor) -> bool:
    """Staff choose whether the requester sees their files (`public`, default yes); the
    requester's files are always theirs to see."""
    value = request.form.get("public", "true").strip().lower()
    if not actor.is_staff or value in _YES:
        return True
    if value in _NO:
        return False
    raise ValidationFailed({"public": "must be true or false"})


def download(attachment: Attachment, body: IO[bytes]) -> Response:
    """The file, as bytes to save, never to render."""
    name = attachment.ref.name
    response = send_file(
        body,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=name,
        conditional=False,
        etag=False,
        max_age=None,
    )
    # For clients without RFC 6266's filename*: the name without its accents, as werkzeug does.
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or "file"
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=fallback,
        **{"filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")},
    )
    response.content_length = attachment.ref.size
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def serve(number: int, attachment_id: str, actor: Actor | None) -> Response:
    attachment, body = attaching.opened(number, attachment_id, actor, deps())
    return download(attachment, body)


# -- the JSON API: a staff bearer token, or the status link's token -------------------------


def _api_actor(number: int) -> Actor:
    actor = bearer_staff()
    if actor is not None:
        return actor
    token = request.args.get("token")
    if token is None:
        raise Unauthorized("use Authorization: Bearer <staff token>, or the status link's token")
    return requester_by_token(number, token)


def _listed(number: int, actor: Actor, only: Callable[[str], bool]) -> Response:
    history = _container().tickets.history(number)
    if actor.is_staff:
        files: Any = staff_files(history, file_url(number))
    else:
        files = requester_files(history, file_url(number, request.args.get("token")))
    body = AttachmentList(attachments=[f for f in files if only(f.id)])
    status = 200 if request.method == "GET" else 201
    return Response(body.model_dump_json(), status=status, mimetype="application/json")


@bp.post("/api/v1/tickets/<int:number>/attachments")
def upload(number: int) -> Response:
    actor = _api_actor(number)
    refs = attaching.attach(number, form_uploads(), actor, public_flag(actor), deps())
    added = {r.id for r in refs}
    return _listed(number, actor, lambda attachment_id: attachment_id in added)


@bp.get("/api/v1/tickets/<int:number>/attachments")
def listing(number: int) -> Response:
    return _listed(number, _api_actor(number), lambda attachment_id: True)


@bp.get("/api/v1/tickets/<int:number>/attachments/<attachment_id>")
def download_file(number: int, attachment_id: str) -> Response:
    """Staff by bearer token, the requester by the status token; 404 to anyone else."""
    actor = bearer_staff()
    token = request.args.get("token")
    if actor is None and token is not None:
        actor = requester_by_token(number, token)
    return serve(number, attachment_id, actor)


# -- the status page's upload form (the token in its URL authorises it, as its other forms) --


@bp.post("/tickets/<int:number>/attachments")
def upload_from_status_page(number: int) -> Any:
    token = request.args.get("token")
    actor = requester_by_token(number, token)
    try:
        attaching.attach(number, form_uploads(), actor, True, deps())
    except ValidationFailed as e:
        failure = FormFailure.of(e)
        view = requester_view(number, token)
        page = render_template(
            "status.html", ticket=view, token=token, attach_error=failure.errors.get("file")
        )
        return page, failure.status
    notice = "Attached: the team has your files."
    return redirect(url_for("pages.status", number=number, token=token, notice=notice), code=303)
