"""Open tickets, their events and the report built from them, at a fixed noon: what the
report tests (tests/unit/test_report_*.py) build on."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from services.domain import events as ev
from services.domain.drafts import Requester
from services.domain.events import Event
from services.domain.lifecycle import Status
from services.domain.reports import build_report
from services.domain.ticket import Ticket

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # a Friday, noon UTC
H = timedelta(hours=1)
D = timedelta(days=1)
ANA = "staff:ana"


def ticket(
    number: int,
    created: datetime,
    status: Status = Status.NEW,
    *,
    since: datetime | None = None,
    owner: str | None = None,
    type: str = "general",
    title: str = "",
    **extra,
) -> Ticket:
    return Ticket(
        number=number,
        type=type,
        title=title or f"Ticket {number}",
        requirements="Something that needs doing, described well enough.",
        requester=Requester(name="Req", email="req@example.org"),
        created_at=created,
        updated_at=created,
        token_salt="salt",
        token_digest="digest",
        status=status,
        status_since=since or created,
        owner=owner,
        **extra,
    )


def filed(number: int, at: datetime, type: str = "general") -> Event:
    return Event(number, ev.TICKET_FILED, at, "requester:req@example.org", True, {"type": type})


def moved(
    number: int, at: datetime, frm: str, to: str, *, actor: str = ANA, public: bool = True
) -> Event:
    return Event(number, ev.UPDATED, at, actor, public, {"from": frm, "to": to})


def report(team, open_tickets=(), events=(), finished=None, *, days=7, now=NOW, seed=1):
    return build_report(
        open_tickets=list(open_tickets),
        events=list(events),
        finished=finished or {},
        flow=team,
        now=now,
        days=days,
        rng=random.Random(seed),
        trials=500,
    )


T0 = NOW - 4 * D  # 2026-11-23 12:00, inside a 7-day window


def stays_history() -> list[Event]:
    """Four tickets through the life-cycle at known hours after T0, and one filed before the
    window that only finishes in it."""
    at = lambda h: T0 + h * H  # noqa: E731
    return [
        # 1: new 2 h, triaged 4 h, assigned 1 h, in progress 24 h, resolved
        filed(1, at(0)),
        moved(1, at(2), "new", "triaged", actor="system:triage"),
        moved(1, at(6), "triaged", "assigned"),
        moved(1, at(7), "assigned", "in-progress"),
        moved(1, at(31), "in-progress", "resolved"),
        # 2: new 4 h, triaged 10 h, assigned 2 h, in progress 48 h, resolved
        filed(2, at(0)),
        moved(2, at(4), "new", "triaged", actor="system:triage"),
        moved(2, at(14), "triaged", "assigned"),
        moved(2, at(16), "assigned", "in-progress"),
        moved(2, at(64), "in-progress", "resolved"),
        # 3: new 6 h, triaged 2 h, assigned 3 h, still in progress
        filed(3, at(0)),
        moved(3, at(6), "new", "triaged", actor="system:triage"),
        moved(3, at(8), "triaged", "assigned"),
        moved(3, at(11), "assigned", "in-progress"),
        # 4: new 1 h, needs-info 24 h, new again 2 h, then triaged
        filed(4, at(0)),
        moved(4, at(1), "new", "needs-info", actor="system:triage"),
        moved(4, at(25), "needs-info", "new", actor="requester:req@example.org"),
        moved(4, at(27), "new", "triaged", actor="system:triage"),
        # 9: filed long before the window: its stay in progress began before it, so it is
        # left out; its resolution counts as throughput.
        moved(9, at(30), "in-progress", "resolved"),
        Event(9, ev.UPDATED, at(29), ANA, True, {"message": "no status change"}),
    ]
