"""Who is asking: a staff member (API bearer token, or the console's signed session), or a
requester (the ticket's status token). 401 without credentials, 403 comes from the domain."""

from __future__ import annotations

from flask import current_app, request, session

from services.domain.actors import Actor
from services.domain.errors import Unauthorized

SESSION_KEY = "staff"


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
    """Check a staff token and remember it in the session cookie (signed, HttpOnly) as its
    member and digest: the cookie never holds the token itself."""
    c = _container()
    parsed = c.staff_tokens.parse(token.strip())
    actor = staff_for_token(token.strip()) if parsed else None
    if actor is None or parsed is None:
        raise Unauthorized("unknown or revoked staff token")
    session.clear()
    session[SESSION_KEY] = {"member": parsed[0], "digest": parsed[1]}
    return actor


def sign_out() -> None:
    session.clear()


def session_staff() -> Actor | None:
    """The staff member signed in to the console, while the token they signed in with holds
    (revoking the token signs its sessions out)."""
    signed = session.get(SESSION_KEY)
    if not isinstance(signed, dict):
        return None
    c = _container()
    member = c.flow.member(str(signed.get("member")))
    if member is None or not c.staff_tokens.exists(member.id, str(signed.get("digest"))):
        session.pop(SESSION_KEY, None)
        return None
    return Actor.staff(member)
