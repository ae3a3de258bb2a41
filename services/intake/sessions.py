"""The browser's half of a sign-in session (services/domain/sessions.py): the signed cookie
holds the session's id, the store holds the session. Signing in ends whatever session the
cookie named and starts a new one, so the id changes at every sign-in; signing out ends it
in the store, so a copy of the cookie opens nothing afterwards.

The console's sessions (by token or by directory account) and /me's are kept apart in the
cookie: a person may be signed in to both.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import current_app, session

from services.domain.sessions import Session

STAFF = "staff"
STAFF_DIRECTORY = "staff-directory"
REQUESTER = "requester"
_COOKIE_KEY = {STAFF: "staff_session", STAFF_DIRECTORY: "staff_session", REQUESTER: "me_session"}


def _store() -> Any:
    return current_app.extensions["rtflow"].sessions


def _id(kind: str) -> str | None:
    value = session.get(_COOKIE_KEY[kind])
    return value if isinstance(value, str) else None


def end(kind: str) -> None:
    """End the session the cookie names for `kind` (in the store too) and forget it."""
    session_id = _id(kind)
    session.pop(_COOKIE_KEY[kind], None)
    if session_id:
        _store().end(session_id)


def end_all() -> None:
    """End every session the cookie names, and clear the cookie."""
    for kind in (STAFF, REQUESTER):
        end(kind)
    session.clear()


def _now() -> float:
    return float(current_app.extensions["rtflow"].clock.now().timestamp())


def start(kind: str, subject: str, hours: float, data: Mapping[str, Any] | None = None) -> None:
    """A new session for `subject`, with a new id in the cookie."""
    end(kind)
    kept = {**(data or {}), "at": int(_now())}
    session[_COOKIE_KEY[kind]] = _store().start(kind, subject, timedelta(hours=hours), kept)


def current(kind: str) -> Session | None:
    """The cookie's session of this kind while it lasts (and not begun after now: a clock
    set back does not make an old session new); the cookie forgets it otherwise."""
    session_id = _id(kind)
    found = _store().find(session_id) if session_id else None
    if found is None:
        session.pop(_COOKIE_KEY[kind], None)
        return None
    at = found.data.get("at")
    if found.kind != kind or not isinstance(at, int | float) or at > _now():
        return None
    return found
