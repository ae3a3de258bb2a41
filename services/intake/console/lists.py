"""The console's lists: the team's queue, "my tickets", the staff-meeting agenda, the log of
webhooks out, and the search over every ticket (finished ones too). They read through the
repository's index queries and the search port only, never a scan."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request, url_for
from werkzeug.wrappers import Response

from services.domain.actors import Actor
from services.domain.errors import ValidationFailed
from services.domain.lifecycle import Status
from services.domain.search import SORTS

from ..find import csv_response, parse_find
from ..find.query import GROUPS, PER_PAGE, PER_PAGE_MAX, FindQuery
from .web import bp, container, engineers

# The recent webhook deliveries page shows at most this many.
DELIVERIES_SHOWN = 100


@bp.get("/")
def queue() -> str:
    tickets = container().tickets
    team = engineers()
    counts = tickets.open_counts([m.id for m in team])
    owners = [(m, tickets.by_owner(m.id), counts.get(m.id, 0)) for m in team]
    return render_template(
        "staff/queue.html",
        triaged=[t for t in tickets.by_status(Status.TRIAGED) if t.owner is None],
        new=tickets.by_status(Status.NEW),
        needs_info=tickets.by_status(Status.NEEDS_INFO),
        owners=owners,
    )


@bp.get("/mine")
def mine() -> str:
    tickets = container().tickets
    me: Actor = g.staff
    count = tickets.open_counts([me.id]).get(me.id, 0)
    escalated = [t for t in tickets.escalated() if t.escalation and t.escalation.to == me.id]
    return render_template(
        "staff/mine.html", mine=tickets.by_owner(me.id), count=count, escalated=escalated
    )


@bp.get("/agenda")
def agenda() -> str:
    tickets = container().tickets
    unowned = [t for t in tickets.by_status(Status.TRIAGED) if t.owner is None]
    escalated = sorted(
        (t for t in tickets.escalated() if t.escalation is not None),
        key=lambda t: (t.escalation.at, t.number),
    )
    return render_template("staff/agenda.html", unowned=unowned, escalated=escalated)


@bp.get("/deliveries")
def deliveries() -> str:
    """Webhooks out: the latest deliveries (today's and yesterday's), newest first."""
    c = container()
    return render_template(
        "staff/deliveries.html",
        deliveries=c.deliveries.recent(DELIVERIES_SHOWN),
        subscriptions=c.flow.subscriptions,
        shown=DELIVERIES_SHOWN,
    )


# -- finding tickets: a GET form, so a view (words, filters, order, page) is its URL -----------

_SORT_NAMES = {"newest": "Newest first", "oldest": "Oldest first", "updated": "Last changed first"}
_GROUP_NAMES = {"all": "Any status", "open": "Every open status", "finished": "Finished"}


def _choices() -> dict[str, Any]:
    """The search form's options, as (value, text)."""
    flow = container().flow
    return {
        "status_options": [(g, _GROUP_NAMES[g]) for g in GROUPS] + [(s, s) for s in Status],
        "type_options": [("", "Any type")] + [(t.name, t.label) for t in flow.ticket_types],
        "owner_options": [("", "Anyone")] + [(m.id, m.name) for m in flow.team.members],
        "sort_options": [(s, _SORT_NAMES[s]) for s in SORTS],
        "per_page_options": [(str(n), str(n)) for n in sorted({25, PER_PAGE, PER_PAGE_MAX})],
        "default_per_page": str(PER_PAGE),
    }


def _url(endpoint: str, params: dict[str, Any]) -> str:
    return url_for(endpoint, **params)


@bp.get("/tickets")
def find() -> tuple[str, int] | str:
    """The search page: the form, one page of tickets, the link to the next, and the view as
    CSV."""
    c = container()
    try:
        f = parse_find(request.args, c.flow)
        page = c.search.search(f.search())
    except ValidationFailed as e:
        body = render_template(
            "staff/tickets.html", errors=e.errors, values=request.args, view=None, **_choices()
        )
        return body, 400
    view = {
        "query": f,
        "tickets": page.tickets,
        "next": _url("console.find", f.params(cursor=page.next)) if page.next else None,
        "first": _url("console.find", f.params(cursor="")) if f.cursor else None,
        "csv": _url("console.find_csv", _csv_params(f)),
    }
    return render_template(
        "staff/tickets.html", errors={}, values=request.args, view=view, **_choices()
    )


def _csv_params(f: FindQuery) -> dict[str, str]:
    """The view from its first ticket, as many as a CSV holds."""
    return {k: v for k, v in f.params(cursor="").items() if k not in ("per_page", "format")}


@bp.get("/tickets.csv")
def find_csv() -> Response:
    """The view as CSV: the same tickets as GET /api/v1/tickets?format=csv."""
    f = parse_find({**request.args, "format": "csv"}, container().flow)
    return csv_response(f, lambda rest: _url("console.find_csv", rest.params()))
