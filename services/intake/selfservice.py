"""Requesters' own pages under /me: sign in by a mailed one-time link (or a directory account
when LDAP is configured), see "my tickets", and act on each: add the information the team
asked for, write to the team, confirm a resolution, reopen.

A session of the store (services/intake/sessions.py) holds the requester's address; the
signed cookie holds only its id. It lasts SESSION_HOURS, and signing out ends it. Every form carries a CSRF token (this blueprint is not exempt:
a session authorises it). Every action goes through actions.perform as Actor.requester, so
the domain decides; a ticket filed by someone else answers 404, exactly as no ticket.

Asking for a link always answers the same page and always sends a mail (one that says so
when the address has no tickets): neither the page nor its timing tells whether an address
has tickets. The link is redeemed by a button on the page it opens (POST), not by opening
it: mail scanners open links in mail and would otherwise spend them.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from pydantic import ValidationError
from werkzeug.exceptions import NotFound

from services.application import actions
from services.domain.actors import Actor
from services.domain.directory import DirectoryUnavailable
from services.domain.drafts import Requester
from services.domain.errors import DomainError, TicketNotFound, ValidationFailed
from services.domain.mail import Mail
from services.domain.ticket import Ticket

from . import console, sessions
from .attachment_views import requester_files
from .errors import FormFailure
from .views import TicketView

log = logging.getLogger(__name__)

bp = Blueprint("me", __name__, url_prefix="/me")

SESSION_HOURS = 12
LINK_MINUTES = 30  # DynamoRequesterLinks.LIFETIME_SECONDS
PUBLIC_ENDPOINTS = frozenset(
    {"me.sign_in", "me.sign_in_submit", "me.sign_in_directory", "me.link", "me.link_submit"}
)
# What the add-info form asks for when the ticket names nothing missing.
DEFAULT_INFO_FIELDS = ("requirements", "end_state", "acceptance_criteria")
NOTICES = {
    "add-info": "Thank you: the team has your additions.",
    "reply": "Sent: the team has your message.",
    "confirm": "Confirmed: the ticket is closed. Thank you!",
    "reopen": "Reopened: the team will look at it again.",
}


def _container():
    return current_app.extensions["rtflow"]


# -- the session ---------------------------------------------------------------------------


def signed_in_email() -> str | None:
    """The requester signed in to this browser, while their session lasts."""
    signed = sessions.current(sessions.REQUESTER)
    return signed.subject if signed is not None else None


def _start_session(email: str, via: str) -> None:
    """A new session (a new id in the cookie), whatever this browser had before."""
    sessions.start(sessions.REQUESTER, email.lower(), SESSION_HOURS, {"via": via})


@bp.before_request
def require_requester():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    email = signed_in_email()
    if email is None:
        if request.endpoint == "me.sign_out":
            return redirect(url_for("me.sign_in"), code=303)
        flash("Sign in to see your tickets.")
        return redirect(url_for("me.sign_in"), code=303)
    g.requester_email = email
    return None


# Flask-WTF checks the Referer of HTTPS form posts, as on the console: the same policy.
bp.after_request(console.same_origin_referrer)


@bp.context_processor
def me_globals():
    return {
        "requester_email": g.get("requester_email"),
        "directory": _container().directory is not None,
    }


# -- signing in: a mailed link -------------------------------------------------------------


def _sign_in_page(status: int = 200, **context):
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return render_template("me/sign_in.html", **context), status


@bp.get("/sign-in")
def sign_in():
    if signed_in_email() is not None:
        return redirect(url_for("me.mine"), code=303)
    return _sign_in_page()


def _valid_email(text: str) -> str:
    """The address, lower case; ValidationFailed({"email": ...}) for anything else. The
    intake's rule (Requester.email), so an address that can file can sign in."""
    try:
        return Requester(name="requester", email=text.strip()).email
    except ValidationError as e:
        message = e.errors()[0]["msg"].removeprefix("Value error, ") if e.errors() else ""
        raise ValidationFailed({"email": message or "enter your mail address"}) from None


def _link_mail(email: str, link: str, has_tickets: bool) -> Mail:
    team = _container().flow.team
    context = {
        "team": team,
        "email": email,
        "link": link,
        "minutes": LINK_MINUTES,
        "has_tickets": has_tickets,
    }
    return Mail(
        to=(email,),
        subject=f"[{team.name}] Your sign-in link",
        text=render_template("me/link_mail.txt", **context),
        html=render_template("me/link_mail.html", **context),
        # RFC 3834: robots must not answer it (no vacation-reply loops).
        headers={"Auto-Submitted": "auto-generated"},
    )


@bp.post("/sign-in")
def sign_in_submit():
    c = _container()
    typed = request.form.get("email", "")
    try:
        email = _valid_email(typed)
    except ValidationFailed as e:
        return _sign_in_page(422, values={"email": typed}, errors=e.errors)
    # A mail whether or not the address filed anything: the page and its timing are the same
    # either way. An address that asked too often lately gets no new mail, and the same page.
    has_tickets = bool(c.tickets.by_requester(email, limit=1))
    token = c.requester_links.issue(email)
    if token is None:
        log.info("sign-in link refused: too many asked for one address lately")
        return render_template("me/check_mail.html", email=email, failed=False)
    link = c.settings.base_url.rstrip("/") + url_for("me.link", token=token)
    try:
        c.mailer.send(_link_mail(email, link, has_tickets))
    except Exception:
        log.exception("the sign-in link to a requester could not be sent")
        return render_template("me/check_mail.html", email=email, failed=True), 503
    return render_template("me/check_mail.html", email=email, failed=False)


@bp.get("/link")
def link():
    """The page the mailed link opens: one button spends the link (see the module's note)."""
    return render_template("me/link.html", token=request.args.get("token", ""))


@bp.post("/link")
def link_submit():
    c = _container()
    token = request.form.get("token", "")
    email = c.requester_links.redeem(token) if token else None
    if email is None:
        return render_template("me/link.html", token="", spent=True), 400
    _start_session(email, "link")
    return redirect(url_for("me.mine"), code=303)


# -- signing in: a directory account -------------------------------------------------------


@bp.post("/sign-in/directory")
def sign_in_directory():
    c = _container()
    directory, config = c.directory, c.flow.ldap
    if directory is None or config is None:
        raise NotFound()
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    values = {"username": username}
    errors = {}
    if not username.strip():
        errors["username"] = "enter your username"
    if not password:
        errors["password"] = "enter your password"  # noqa: S105 - a message, not a secret
    if errors:
        return _sign_in_page(422, values=values, errors=errors, tab="directory")
    try:
        identity = directory.authenticate(username, password)
    except DirectoryUnavailable as e:
        return _sign_in_page(503, values=values, directory_error=str(e), tab="directory")
    if identity is None:
        return _sign_in_page(
            401,
            values=values,
            errors={"password": "unknown username, or wrong password"},
            tab="directory",
        )
    if not config.may_request(identity):
        message = "your directory account may not sign in here; sign in with a mailed link"
        return _sign_in_page(403, values=values, directory_error=message, tab="directory")
    if not identity.email:
        message = "your directory account has no mail address; sign in with a mailed link"
        return _sign_in_page(403, values=values, directory_error=message, tab="directory")
    _start_session(identity.email, "directory")
    return redirect(url_for("me.mine"), code=303)


@bp.post("/sign-out")
def sign_out():
    sessions.end(sessions.REQUESTER)
    flash("You are signed out.")
    return redirect(url_for("me.sign_in"), code=303)


# -- my tickets ----------------------------------------------------------------------------


@bp.get("/")
def mine():
    tickets = _container().tickets.by_requester(g.requester_email)
    return render_template("me/mine.html", tickets=tickets)


def _my_ticket(number: int) -> Ticket:
    """The ticket if the signed-in requester filed it; TicketNotFound otherwise."""
    ticket = _container().tickets.get(number)
    if ticket.requester.email.lower() != g.requester_email:
        raise TicketNotFound(number)
    return ticket


def _file_link(number: int, attachment_id: str) -> str:
    return url_for("me.download_file", number=number, attachment_id=attachment_id)


def _info_fields(ticket: Ticket | TicketView) -> list[str]:
    return list(ticket.missing or DEFAULT_INFO_FIELDS)


def _render_ticket(
    number: int,
    *,
    failed: str | None = None,
    values=None,
    error: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
):
    ticket = _my_ticket(number)
    history = _container().tickets.history(number)
    view = TicketView.of(ticket, history).model_copy(
        update={"attachments": requester_files(history, lambda i: _file_link(number, i))}
    )
    current = view.model_dump()
    info_values = {
        f: "\n".join(v) if isinstance(v := current.get(f), list) else (v or "")
        for f in _info_fields(view)
    }
    if failed == "add-info" and values is not None:
        info_values = {f: values.get(f, "") for f in _info_fields(view)}
    body = render_template(
        "me/ticket.html",
        ticket=view,
        info_fields=_info_fields(view),
        info_values=info_values,
        failed=failed,
        values=values if values is not None else {},
        error=error,
        errors=errors or {},
    )
    return body, status


@bp.get("/tickets/<int:number>")
def ticket(number: int):
    return _render_ticket(number)


def _form_body(action: str, ticket: Ticket) -> dict:
    form = request.form
    if action == "add-info":
        return {f: form.get(f, "") for f in _info_fields(ticket)}
    if action == "reply":
        return {"message": form.get("message", "")}
    if action == "reopen":
        return {"reason": form.get("reason", "")}
    return {}


@bp.post("/tickets/<int:number>/<action>")
def act(number: int, action: str):
    if action not in actions.REQUESTER_ACTIONS:
        raise NotFound()
    c = _container()
    ticket = _my_ticket(number)
    actor = Actor.requester(g.requester_email, ticket.requester.name)
    deps = c.ticket_deps
    try:
        actions.perform(number, action, _form_body(action, ticket), actor, deps)
    except TicketNotFound:
        raise
    except DomainError as e:
        failure = FormFailure.of(e)
        return _render_ticket(
            number,
            failed=action,
            values=request.form,
            error=failure.message,
            errors=failure.errors,
            status=failure.status,
        )
    flash(NOTICES[action])
    return redirect(url_for("me.ticket", number=number), code=303)
