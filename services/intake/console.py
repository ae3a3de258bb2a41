"""The staff console under /staff: the queue, "my tickets", the staff-meeting agenda, the
log of webhooks out, and a ticket page with a form per action.

Server-rendered HTML forms, no JavaScript. Staff sign in with their token (auth.sign_in keeps
the member and the token's digest in the signed session cookie, never the token), or, when
LDAP is configured, with their directory account (the member and their staff groups, for
DIRECTORY_SESSION_HOURS; roles are read from the flow config's group mapping on every
request); every form
carries a CSRF token (Flask-WTF, set up in app.py). The pages read through the repository's
GSI queries only, never a scan. Actions go through actions.perform, exactly as the JSON API's,
so the domain decides what is allowed and the console only shows what the status permits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from services.application import actions
from services.domain.actors import Actor
from services.domain.directory import DirectoryUnavailable, Identity
from services.domain.errors import (
    DomainError,
    TicketNotFound,
    Unauthorized,
    ValidationFailed,
)
from services.domain.lifecycle import TRANSITIONS, Action, Status
from services.domain.ticket import Ticket

from . import auth
from .errors import STATUS_FOR
from .status import staff_view

bp = Blueprint("console", __name__, url_prefix="/staff")

# Pages anyone may reach: signing in and out.
PUBLIC_ENDPOINTS = frozenset(
    {"console.login", "console.login_submit", "console.login_directory", "console.logout"}
)
# A directory (LDAP) sign-in: the member and their staff groups, in the signed session.
DIRECTORY_SESSION_KEY = "staff_directory"
DIRECTORY_SESSION_HOURS = 8

# The order the ticket page offers actions in, with a heading and the notice after success.
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "take": ("Take this ticket", "Taken: the ticket is yours"),
    "assign": ("Assign", "Assigned"),
    "start": ("Start work", "Work started"),
    "update": ("Post an update", "Update posted"),
    "escalate": ("Escalate", "Escalated"),
    "accept-escalation": ("Accept the escalation", "Escalation accepted: the ticket is yours"),
    "decline-escalation": ("Decline the escalation", "Escalation declined"),
    "return-to-triage": ("Return to triage", "Returned to triage"),
    "resolve": ("Resolve", "Resolved"),
    "split": ("Split into sub-tickets", "Split"),
    "link": ("Add a dependency", "Dependency linked"),
    "postpone": ("Postpone", "Postponed"),
    "wake": ("Wake it now", "Back from postponement"),
    "reject": ("Reject", "Rejected"),
    "close": ("Close", "Closed"),
    "reopen": ("Reopen", "Reopened"),
}
SPLIT_ROWS = 3
# The recent webhook deliveries page shows at most this many.
DELIVERIES_SHOWN = 100

_Check = Callable[[Ticket, Actor], bool]


def _owner(t: Ticket, a: Actor) -> bool:
    return a.is_staff and a.id == t.owner


def _escalatee(t: Ticket, a: Actor) -> bool:
    return t.escalation is not None and a.id == t.escalation.to


# Who may plausibly act, mirroring the domain's checks; the domain still decides (a refusal
# comes back as a 403 with its reason).
PLAUSIBLE: dict[str, _Check] = {
    "take": lambda t, a: a.has_role("engineer") and t.owner is None,
    "assign": lambda t, a: a.has_role("triager", "bugmeister"),
    "start": _owner,
    "update": _owner,
    "escalate": lambda t, a: _owner(t, a) and t.escalation is None,
    "accept-escalation": _escalatee,
    "decline-escalation": _escalatee,
    "return-to-triage": _owner,
    "resolve": _owner,
    "split": lambda t, a: _owner(t, a) or a.has_role("triager"),
    "link": lambda t, a: _owner(t, a) or a.has_role("triager"),
    "reject": lambda t, a: _owner(t, a) or a.has_role("triager", "bugmeister"),
    "close": lambda t, a: _owner(t, a) or a.has_role("triager", "bugmeister"),
    "reopen": lambda t, a: a.is_staff,
    "postpone": _owner,
    "wake": lambda t, a: _owner(t, a) or a.has_role("triager"),
}


def _container():
    return current_app.extensions["rtflow"]


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the console: never another site, never a header trick."""
    if not target or not target.startswith("/staff/"):
        return None
    if "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return None
    return target


# -- signing in and out --------------------------------------------------------------------


def _directory_staff() -> Actor | None:
    """The staff member signed in with a directory account, while the session lasts, the
    member is in the flow config's team and their groups still map to a role."""
    signed = session.get(DIRECTORY_SESSION_KEY)
    if not isinstance(signed, dict):
        return None
    c = _container()
    config = c.flow.ldap
    member = c.flow.member(str(signed.get("member")))
    groups, at = signed.get("groups"), signed.get("at")
    fresh = (
        isinstance(at, int | float)
        and 0 <= c.clock.now().timestamp() - at <= DIRECTORY_SESSION_HOURS * 3600
    )
    roles = (
        config.staff_roles(Identity(member.id, member.email, member.name, frozenset(groups)))
        if config is not None and member is not None and isinstance(groups, list)
        else frozenset()
    )
    if not (fresh and roles and member is not None and c.directory is not None):
        session.pop(DIRECTORY_SESSION_KEY, None)
        return None
    return Actor("staff", member.id, member.name, roles, member.wip_limit)


def _session_staff() -> Actor | None:
    return auth.session_staff() or _directory_staff()


@bp.before_request
def require_staff():
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


@bp.after_request
def same_origin_referrer(response):
    # Flask-WTF checks the Referer of HTTPS form posts; the app's default "no-referrer" would
    # make every console form fail there. Console URLs carry no secrets, so same-origin is safe.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.context_processor
def console_globals():
    flow = _container().flow
    names = {m.id: m.name for m in flow.team.members}
    now = _container().clock.now()

    def age(created_at: datetime) -> int:
        """Whole days since `created_at`."""
        return max((now - created_at).days, 0)

    return {
        "staff": g.get("staff"),
        "member_name": lambda member_id: names.get(member_id, member_id) if member_id else "",
        "age": age,
    }


@bp.app_errorhandler(CSRFError)
def csrf_failed(e: CSRFError):
    message = (
        f"This form could not be accepted: {e.description} It may have expired or come from "
        "another site. Go back, reload the page and send the form again."
    )
    return render_template("error.html", status=400, message=message), 400


def _login_page(**context) -> str:
    return render_template(
        "staff/login.html", directory=_container().directory is not None, **context
    )


@bp.get("/login")
def login():
    if _session_staff() is not None:
        return redirect(_safe_next(request.args.get("next")) or url_for("console.queue"), 303)
    return _login_page(next=_safe_next(request.args.get("next")))


@bp.post("/login")
def login_submit():
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
def login_directory():
    """Sign in with a directory account: a member of a staff group (flow config `ldap.staff`)
    whose account id is a member id of the team."""
    c = _container()
    directory, config = c.directory, c.flow.ldap
    if directory is None or config is None:
        raise NotFound()
    target = _safe_next(request.form.get("next"))
    username = request.form.get("username", "")
    password = request.form.get("password", "")

    def refused(message: str, status: int):
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
    session.clear()
    session[DIRECTORY_SESSION_KEY] = {
        "member": member.id,
        "groups": groups,
        "at": int(c.clock.now().timestamp()),
    }
    return redirect(target or url_for("console.queue"), code=303)


@bp.post("/logout")
def logout():
    auth.sign_out()
    flash("You are signed out.")
    return redirect(url_for("console.login"), code=303)


# -- the lists -----------------------------------------------------------------------------


def _engineers():
    return _container().flow.members_with_role("engineer")


@bp.get("/")
def queue():
    tickets = _container().tickets
    engineers = _engineers()
    counts = tickets.open_counts([m.id for m in engineers])
    owners = [(m, tickets.by_owner(m.id), counts.get(m.id, 0)) for m in engineers]
    return render_template(
        "staff/queue.html",
        triaged=[t for t in tickets.by_status(Status.TRIAGED) if t.owner is None],
        new=tickets.by_status(Status.NEW),
        needs_info=tickets.by_status(Status.NEEDS_INFO),
        owners=owners,
    )


@bp.get("/mine")
def mine():
    tickets = _container().tickets
    me: Actor = g.staff
    count = tickets.open_counts([me.id]).get(me.id, 0)
    escalated = [t for t in tickets.escalated() if t.escalation and t.escalation.to == me.id]
    return render_template(
        "staff/mine.html", mine=tickets.by_owner(me.id), count=count, escalated=escalated
    )


@bp.get("/agenda")
def agenda():
    tickets = _container().tickets
    unowned = [t for t in tickets.by_status(Status.TRIAGED) if t.owner is None]
    escalated = sorted(
        (t for t in tickets.escalated() if t.escalation is not None),
        key=lambda t: (t.escalation.at, t.number),  # type: ignore[union-attr]
    )
    return render_template("staff/agenda.html", unowned=unowned, escalated=escalated)


@bp.get("/deliveries")
def deliveries():
    """Webhooks out: the latest deliveries (today's and yesterday's), newest first."""
    c = _container()
    return render_template(
        "staff/deliveries.html",
        deliveries=c.deliveries.recent(DELIVERIES_SHOWN),
        subscriptions=c.flow.subscriptions,
        shown=DELIVERIES_SHOWN,
    )


# -- one ticket ----------------------------------------------------------------------------


def _available(ticket: Ticket, actor: Actor) -> list[str]:
    """The actions the ticket's status allows and the person may plausibly take."""
    return [
        name
        for name in ACTION_LABELS
        if ticket.status in TRANSITIONS[Action(name)][0] and PLAUSIBLE[name](ticket, actor)
    ]


def _render_ticket(
    number: int,
    *,
    failed: str | None = None,
    values: MultiDict | None = None,
    error: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
):
    c = _container()
    ticket = c.tickets.get(number)
    view = staff_view(number, ticket)
    related = c.tickets.get_many([*ticket.children, *ticket.depends_on])
    if ticket.parent is not None:
        related |= c.tickets.get_many([ticket.parent])
    engineers = _engineers()
    counts = c.tickets.open_counts([m.id for m in engineers])
    body = render_template(
        "staff/ticket.html",
        ticket=view,
        related=related,
        deliveries=c.deliveries.for_ticket(number),
        available=_available(ticket, g.staff),
        labels=ACTION_LABELS,
        timezone=c.flow.calendar.timezone,
        engineers=engineers,
        counts=counts,
        split_rows=SPLIT_ROWS,
        failed=failed,
        values=values if values is not None else MultiDict(),
        error=error,
        errors=errors or {},
    )
    return body, status


@bp.get("/tickets/<int:number>")
def ticket(number: int):
    return _render_ticket(number)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _int_or_text(value: str) -> int | str:
    text = value.strip().lstrip("#")
    return int(text) if text.isdigit() else value


def _local_moment(text: str, zone: str) -> str:
    """A datetime-local field ("2027-02-03T09:00") read in the team's time zone, as ISO with
    its offset; anything else is passed on for the schema to name."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.isoformat()


def form_body(action: str, form: MultiDict, zone: str = "UTC") -> dict:
    """The action's JSON body from its HTML form: only the fields the action knows, typed."""
    if action == "postpone":
        return {
            "until": _local_moment(form.get("until", ""), zone),
            "reason": form.get("reason", ""),
            "public": form.get("public") == "on",
        }
    if action == "assign":
        return {"owner": form.get("owner", ""), "override_reason": form.get("override_reason", "")}
    if action == "update":
        return {
            "message": form.get("message", ""),
            "eta": form.get("eta", "").strip() or None,
            "reason": form.get("reason", ""),
            "public": form.get("public") == "on",
        }
    if action == "escalate":
        return {"to": form.get("to", ""), "reason": form.get("reason", "")}
    if action in ("decline-escalation", "return-to-triage", "reject", "reopen"):
        return {"reason": form.get("reason", "")}
    if action == "resolve":
        return {
            "checked": [_int_or_text(v) for v in form.getlist("checked")],
            "summary": form.get("summary", ""),
        }
    if action == "link":
        return {"depends_on": _int_or_text(form.get("depends_on", ""))}
    if action == "split":
        children = []
        for i in range(SPLIT_ROWS):
            row = {
                "title": form.get(f"child-{i}-title", ""),
                "requirements": form.get(f"child-{i}-requirements", ""),
                "acceptance_criteria": _lines(form.get(f"child-{i}-criteria", "")),
            }
            if not (
                row["title"].strip() or row["requirements"].strip() or row["acceptance_criteria"]
            ):
                continue  # a blank row
            owner = form.get(f"child-{i}-owner", "")
            children.append(row | {"owner": owner or None})
        return {"children": children}
    return {}


@bp.post("/tickets/<int:number>/<action>")
def act(number: int, action: str):
    if action not in ACTION_LABELS:  # the console's actions (add-info is the requester's)
        raise NotFound()
    c = _container()
    deps = c.ticket_deps
    body = form_body(action, request.form, _container().flow.calendar.timezone)
    try:
        ticket = actions.perform(number, action, body, g.staff, deps)
    except TicketNotFound:
        raise
    except DomainError as e:
        status = next((s for cls, s in STATUS_FOR.items() if isinstance(e, cls)), 400)
        errors = e.errors if isinstance(e, ValidationFailed) else {}
        message = "Please correct the fields marked below." if errors else str(e)
        return _render_ticket(
            number,
            failed=action,
            values=request.form,
            error=message,
            errors=errors,
            status=status,
        )
    notice = ACTION_LABELS[action][1]
    if action == "split":
        new = ticket.children[-len(body["children"]) :]
        notice = "Split into " + ", ".join(f"#{n}" for n in new)
    flash(notice)
    return redirect(url_for("console.ticket", number=number), code=303)
