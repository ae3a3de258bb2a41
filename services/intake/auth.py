"""Who is asking: a staff member (API bearer token, or the console's signed session), or a
requester (the ticket's status token). 401 without credentials, 403 comes from the domain."""

from __future__ import annotations

from flask import current_app, request

from services.domain.actors import Actor
from services.domain.errors import Unauthorized

from . import sessions

# A console session signed in with a token lasts this long (and ends with the token).
SESSION_HOURS = 12


def _container():
    return current_app.extensions["rtflow"]


def staff_for_token(token: str) -> Actor | None:
    c = _container()
    member_id = c.staff_tokens.verify(token)
    member = c.flow.member(member_id) if member_id else None
    return Actor.staff(member) if member else None


def bearer_staff() -> Actor | None:
    """The staff member of the request's bearer token; Unauthorized for a bad one."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("use Authorization: Bearer <staff token>")
    actor = staff_for_token(token.strip())
    if actor is None:
        raise Unauthorized("unknown or revoked staff token")
    return actor


def sign_in(token: str) -> Actor:
    """Check a staff token and start a console session for its member (sessions.py): the
    store keeps the member and the token's digest, the cookie only the session's id."""
    c = _container()
    parsed = c.staff_tokens.parse(token.strip())
    actor = staff_for_token(token.strip()) if parsed else None
    if actor is None or parsed is None:
        raise Unauthorized("unknown or revoked staff token")
    sessions.end_all()
    sessions.start(sessions.STAFF, parsed[0], SESSION_HOURS, {"digest": parsed[1]})
    return actor


def sign_out() -> None:
    sessions.end_all()


def session_staff() -> Actor | None:
    """The staff member signed in to the console, while the session lasts and the token they
    signed in with holds (revoking the token signs its sessions out)."""
    signed = sessions.current(sessions.STAFF)
    if signed is None:
        return None
    c = _container()
    member = c.flow.member(signed.subject)
    if member is None or not c.staff_tokens.exists(member.id, str(signed.data.get("digest"))):
        sessions.end(sessions.STAFF)
        return None
    return Actor.staff(member)
