"""One ticket in the console: its page, with a form per action the person may plausibly
take, and the form posts. Actions go through actions.perform, exactly as the JSON API's, so
the domain decides what is allowed and the page only shows what the status permits."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from services.application import actions
from services.domain.actors import Actor
from services.domain.corrections import ASKABLE, words
from services.domain.errors import DomainError, TicketNotFound
from services.domain.lifecycle import TRANSITIONS, Action
from services.domain.ticket import Ticket

from ..errors import FormFailure
from ..status import staff_view
from .forms import SPLIT_ROWS, form_body
from .web import bp, container, engineers

# The order the ticket page offers actions in, with a heading and the notice after success.
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "take": ("Take this ticket", "Taken: the ticket is yours"),
    "assign": ("Assign", "Assigned"),
    "start": ("Start work", "Work started"),
    "update": ("Post an update", "Update posted"),
    "comment": ("Comment", "Comment added"),
    "request-info": ("Ask the requester", "Asked: the ticket waits for the requester"),
    "edit": ("Correct the ticket", "Corrected"),
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

# Actions with nothing to fill in: a button each, outside the collapsed sections.
ONE_CLICK = ("take", "start", "accept-escalation", "wake", "close")
# The console's names of actions the life-cycle table knows by another.
_TRANSITION = {"request-info": Action.ASK_FOR_INFO}

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
    "comment": lambda t, a: a.is_staff,
    "request-info": lambda t, a: _owner(t, a) or a.has_role("triager", "bugmeister"),
    "edit": lambda t, a: _owner(t, a) or a.has_role("triager", "bugmeister"),
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


def _available(ticket: Ticket, actor: Actor) -> list[str]:
    """The actions the ticket's status allows and the person may plausibly take."""
    return [
        name
        for name in ACTION_LABELS
        if ticket.status in TRANSITIONS[_TRANSITION.get(name, Action(name))][0]
        and PLAUSIBLE[name](ticket, actor)
    ]


def _render_ticket(
    number: int,
    *,
    failed: str | None = None,
    values: MultiDict[str, str] | None = None,
    error: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    c = container()
    ticket, history = c.tickets.get_with_history(number)
    view = staff_view(number, ticket, history)
    related = c.tickets.get_many([*ticket.children, *ticket.depends_on])
    if ticket.parent is not None:
        related |= c.tickets.get_many([ticket.parent])
    team = engineers()
    counts = c.tickets.open_counts([m.id for m in team])
    body = render_template(
        "staff/ticket.html",
        ticket=view,
        related=related,
        deliveries=c.deliveries.for_ticket(number),
        available=_available(ticket, g.staff),
        labels=ACTION_LABELS,
        timezone=c.flow.calendar.timezone,
        engineers=team,
        counts=counts,
        split_rows=SPLIT_ROWS,
        one_click=ONE_CLICK,
        askable=[(name, words(name)) for name in ASKABLE],
        ticket_types=c.flow.ticket_types,
        failed=failed,
        values=values if values is not None else MultiDict(),
        error=error,
        errors=errors or {},
    )
    return body, status


@bp.get("/tickets/<int:number>")
def ticket(number: int) -> tuple[str, int]:
    return _render_ticket(number)


@bp.post("/tickets/<int:number>/<action>")
def act(number: int, action: str) -> Response | tuple[str, int]:
    if action not in ACTION_LABELS:  # the console's actions (add-info is the requester's)
        raise NotFound()
    c = container()
    body = form_body(action, request.form, c.flow.calendar.timezone)

    def perform() -> str:
        ticket = actions.perform(number, action, body, g.staff, c.ticket_deps)
        if action == "comment":
            return "Sent to the requester" if body["public"] else "Internal note added"
        if action == "split":
            new = ticket.children[-len(body["children"]) :]
            return "Split into " + ", ".join(f"#{n}" for n in new)
        return ACTION_LABELS[action][1]

    return on_ticket_page(number, action, perform)


def on_ticket_page(number: int, form: str, act: Callable[[], str]) -> Response | tuple[str, int]:
    """Run `act`; its notice after a redirect, or the ticket page again with the refusal."""
    try:
        notice = act()
    except TicketNotFound:
        raise
    except DomainError as e:
        failure = FormFailure.of(e)
        return _render_ticket(
            number,
            failed=form,
            values=request.form,
            error=failure.message,
            errors=failure.errors,
            status=failure.status,
        )
    flash(notice)
    return redirect(url_for("console.ticket", number=number), code=303)
