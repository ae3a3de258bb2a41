"""Signing in and out of the console, and the session every other page requires.

Staff sign in with their token (auth.sign_in keeps the member and the token's digest in a
session of the store, never the token; the cookie holds the session's id), or, when LDAP is
configured, with their directory account (the member and their staff groups, for
DIRECTORY_SESSION_HOURS; roles are read from the flow config's group mapping on every
request). Signing out ends the session in the store (services/intake/sessions.py).
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from services.domain.actors import Actor
from services.domain.directory import DirectoryUnavailable, Identity
from services.domain.errors import Unauthorized

from .. import auth, sessions
from .web import bp, container

# Pages anyone may reach: signing in and out.
PUBLIC_ENDPOINTS = frozenset(
    {"console.login", "console.login_submit", "console.login_directory", "console.logout"}
)
# A directory (LDAP) sign-in: the member and their staff groups, in a session of the store.
DIRECTORY_SESSION_HOURS = 8

_Page = str | tuple[str, int] | tuple[str, int, dict[str, str]]


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the console: never another site, never a header trick."""
    if not target or not target.startswith("/staff/"):
        return None
    if "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return None
    return target


def _directory_staff() -> Actor | None:
    """The staff member signed in with a directory account, while the session lasts, the
    member is in the flow config's team and their groups still map to a role."""
    signed = sessions.current(sessions.STAFF_DIRECTORY)
    if signed is None:
        return None
    c = container()
    config = c.flow.ldap
    member = c.flow.member(signed.subject)
    groups = signed.data.get("groups")
    roles = (
        config.staff_roles(Identity(member.id, member.email, member.name, frozenset(groups)))
        if config is not None and member is not None and isinstance(groups, list)
        else frozenset()
    )
    if not (roles and member is not None and c.directory is not None):
        sessions.end(sessions.STAFF_DIRECTORY)
        return None
    return Actor("staff", member.id, member.name, roles, member.wip_limit)


def _session_staff() -> Actor | None:
    return auth.session_staff() or _directory_staff()


@bp.before_request
def require_staff() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    actor = _session_staff()
    if actor is None:
        if request.method == "GET":
            target = request.full_path.rstrip("?")
        elif request.endpoint == "console.act" and request.view_args:
            target = url_for("console.ticket", number=request.view_args["number"])
        else:
            target = url_for("console.queue")
        return redirect(url_for("console.login", next=target), code=303)
    g.staff = actor
    return None


@bp.app_errorhandler(CSRFError)
def csrf_failed(e: CSRFError) -> tuple[str, int]:
    message = (
        f"This form could not be accepted: {e.description} It may have expired or come from "
        "another site. Go back, reload the page and send the form again."
    )
    return render_template("error.html", status=400, message=message), 400


def _login_page(**context: Any) -> str:
    return render_template(
        "staff/login.html", directory=container().directory is not None, **context
    )


@bp.get("/login")
def login() -> Response | str:
    if _session_staff() is not None:
        return redirect(_safe_next(request.args.get("next")) or url_for("console.queue"), 303)
    return _login_page(next=_safe_next(request.args.get("next")))


@bp.post("/login")
def login_submit() -> Response | _Page:
    target = _safe_next(request.form.get("next"))
    token = request.form.get("token", "")
    try:
        if not token.strip():
            raise Unauthorized("enter your staff token")
        auth.sign_in(token)
    except Unauthorized as e:
        body = _login_page(next=target, error=str(e))
        return body, 401, {"WWW-Authenticate": 'Bearer realm="rtflow"'}
    return redirect(target or url_for("console.queue"), code=303)


@bp.post("/login/directory")
def login_directory() -> Response | _Page:
    """Sign in with a directory account: a member of a staff group (flow config `ldap.staff`)
    whose account id is a member id of the team."""
    c = container()
    directory, config = c.directory, c.flow.ldap
    if directory is None or config is None:
        raise NotFound()
    target = _safe_next(request.form.get("next"))
    username = request.form.get("username", "")
    password = request.form.get("password", "")

    def refused(message: str, status: int) -> tuple[str, int]:
        return _login_page(next=target, directory_error=message, username=username), status

    if not username.strip() or not password:
        return refused("enter your username and your password", 401)
    try:
        identity = directory.authenticate(username, password)
    except DirectoryUnavailable as e:
        return refused(f"{e}; a staff token still signs you in", 503)
    if identity is None:
        return refused("unknown username, or wrong password", 401)
    staff_groups = {g.casefold() for g in config.staff}
    groups = sorted(g for g in identity.groups if g.casefold() in staff_groups)
    member = c.flow.member(identity.username.lower())
    if not groups:
        return refused("your directory account is in no staff group", 403)
    if member is None:
        return refused(
            f"the account {identity.username} is in a staff group but is not a member of "
            "the team in the flow config",
            403,
        )
    sessions.end_all()
    sessions.start(sessions.STAFF_DIRECTORY, member.id, DIRECTORY_SESSION_HOURS, {"groups": groups})
    return redirect(target or url_for("console.queue"), code=303)


@bp.post("/logout")
def logout() -> Response:
    auth.sign_out()
    flash("You are signed out.")
    return redirect(url_for("console.login"), code=303)
