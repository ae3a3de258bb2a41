"""The console's lists: the team's queue, "my tickets", the staff-meeting agenda and the log
of webhooks out. They read through the repository's GSI queries only, never a scan."""

from __future__ import annotations

from flask import g, render_template

from services.domain.actors import Actor
from services.domain.lifecycle import Status

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
