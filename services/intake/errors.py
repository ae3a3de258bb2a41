"""The one place that maps errors to HTTP: JSON under /api and /hooks, a page elsewhere.

Anything a client sends gets a 4xx with a clear message; a store that cannot take a change
now (busy, its disk full) a 503 in words with Retry-After; a 500 means a bug on our side and
is logged with its traceback, never shown."""

from __future__ import annotations

import errno
import logging
from dataclasses import dataclass

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from services.domain.attachments import TooLarge
from services.domain.errors import (
    AlreadyDone,
    Conflict,
    DomainError,
    Forbidden,
    IllegalTransition,
    NothingChanged,
    StorageUnavailable,
    TicketNotFound,
    Unauthorized,
    ValidationFailed,
)

from .hooks.errors import BadPayload, HookUnavailable, UnknownSource

log = logging.getLogger(__name__)

STATUS_FOR = {
    TooLarge: 413,  # a file over the limit: before ValidationFailed, which it is too
    Unauthorized: 401,
    Forbidden: 403,
    ValidationFailed: 422,
    NothingChanged: 422,  # a correction with nothing to correct
    TicketNotFound: 404,
    Conflict: 409,
    IllegalTransition: 409,
    AlreadyDone: 409,
    BadPayload: 400,
    UnknownSource: 404,
    HookUnavailable: 503,
    StorageUnavailable: 503,
}
# A file of the store (the captured mail, a report) written on a full disk.
DISK_FULL = "the disk of the ticket store is full"


def status_of(e: DomainError) -> int:
    return next((s for cls, s in STATUS_FOR.items() if isinstance(e, cls)), 400)


@dataclass(frozen=True)
class FormFailure:
    """A refused form, as the page that shows it again says it."""

    status: int
    message: str
    errors: dict[str, str]

    @classmethod
    def of(cls, e: DomainError) -> FormFailure:
        errors = e.errors if isinstance(e, ValidationFailed) else {}
        message = "Please correct the fields marked below." if errors else str(e)
        return cls(status_of(e), message, errors)


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/hooks/")) or request.path in (
        "/healthz",
        "/openapi.json",
    )


def _respond(status: int, message: str, errors: dict[str, str] | None = None) -> Response:
    if _wants_json():
        body: dict[str, object] = {"error": message}
        if errors:
            body["errors"] = errors
        response = jsonify(body)
    else:
        response = Response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response


def _unavailable(message: str, retry_after_seconds: int, cause: BaseException) -> Response:
    # The operators must hear of it: the person is only told to try again.
    log.warning("%s %s answered 503: %s", request.method, request.path, cause)
    response = _respond(503, message)
    response.headers["Retry-After"] = str(retry_after_seconds)
    return response


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        if isinstance(e, StorageUnavailable):
            return _unavailable(str(e), e.retry_after_seconds, e.__cause__ or e)
        status = status_of(e)
        if isinstance(e, TicketNotFound):
            # Same answer for "no such ticket" and "wrong token": reveal nothing.
            return _respond(404, "ticket not found")
        errors = e.errors if isinstance(e, ValidationFailed | BadPayload) else None
        # A hook's refusal keeps its message: a tool's delivery log is all its owner sees.
        message = "invalid input" if errors and not isinstance(e, BadPayload | TooLarge) else str(e)
        response = _respond(status, message, errors)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="rtflow"'
        return response

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        messages = {
            400: "malformed request body: expected valid JSON",
            404: "not found",
            405: "method not allowed",
            # An upload route says its own limits (services/intake/attachments.py).
            413: g.get("too_large")
            or f"request body too large (limit {app.config['MAX_CONTENT_LENGTH']} bytes)",
            429: f"too many requests from your address ({e.description}): wait the seconds "
            "Retry-After says",
        }
        response = _respond(e.code or 500, messages.get(e.code or 0, e.description or e.name))
        # What the exception says besides its body: a 405's Allow, for one.
        for name, value in e.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(OSError)
    def os_error(e: OSError):
        return _unavailable(DISK_FULL, 60, e) if e.errno == errno.ENOSPC else unexpected(e)

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, "internal error; it has been logged")
