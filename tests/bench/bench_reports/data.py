"""The tickets of the reports benchmark: plausible lives over three years, and the events of
each that fall in the report's window."""

from __future__ import annotations

import random
from datetime import timedelta

from tests.bench.bench_scheduler.data import NOW, _base, _requesters

SIZES = ((100, 1_000), (1_000, 10_000), (10_000, 100_000))  # open / total tickets
DAYS = 28
SPAN = timedelta(days=3 * 365)
# Open tickets by status (shares of the open ones).
OPEN_SHARES = {
    "new": 0.02,
    "needs-info": 0.08,
    "triaged": 0.15,
    "assigned": 0.20,
    "in-progress": 0.40,
    "postponed": 0.15,
}
FINISHED_SHARES = {"closed": 0.70, "resolved": 0.15, "rejected": 0.15}
PATH = ("new", "triaged", "assigned", "in-progress", "resolved", "closed")


def _stay(rng: random.Random, status: str) -> timedelta:
    """How long a ticket stays in a status before its next step."""
    hours = {
        "new": lambda: rng.uniform(0.02, 0.2),
        "needs-info": lambda: rng.uniform(4, 120),
        "triaged": lambda: rng.uniform(0.5, 48),
        "assigned": lambda: rng.uniform(0.5, 24),
        "in-progress": lambda: rng.expovariate(1 / 72),
        "postponed": lambda: rng.uniform(24, 240),
        "resolved": lambda: rng.uniform(2, 96),
    }[status]()
    return timedelta(hours=hours)


def _path(status: str) -> list[str]:
    if status == "rejected":
        return ["new", "triaged", "rejected"]
    if status == "needs-info":
        return ["new", "needs-info"]
    if status == "postponed":
        return ["new", "triaged", "assigned", "in-progress", "postponed"]
    return list(PATH[: PATH.index(status) + 1])


def life(number: int, status: str, rng: random.Random, flow, requester, window_start):
    """A ticket in `status` now and the events of its life that fall in the window."""
    from services.domain import events as ev
    from services.domain.events import Event
    from services.domain.lifecycle import Status
    from services.domain.ticket import Escalation, Ticket

    path = _path(status)
    stays = [_stay(rng, s) for s in path[:-1]]
    is_open = status in OPEN_SHARES
    # How long it has been in its current status: open ones wait, finished ones are long done.
    current = _stay(rng, status) if is_open and status != "new" else timedelta(minutes=5)
    total = sum(stays, timedelta()) + current
    if is_open:  # younger: most of the open queue is weeks old, some of it a year
        created = NOW - total - timedelta(days=min(rng.expovariate(1 / 20), 365))
    else:
        created = NOW - total - SPAN * rng.random()
    engineers = [m.id for m in flow.members_with_role("engineer")]
    owner = rng.choice(engineers) if "assigned" in path else None
    types = [t.name for t in flow.ticket_types]
    ticket_type = rng.choice(types)
    events = [
        Event(number, ev.TICKET_FILED, created, f"requester:{requester.email}", True,
              {"source": "api", "type": ticket_type}),
        Event(number, ev.TICKET_ACKNOWLEDGED, created + timedelta(seconds=2), "system:notify",
              True, {}),
    ]  # fmt: skip
    at = created
    for frm, to, stay in zip(path[:-1], path[1:], stays, strict=True):
        at += stay
        actor = "system:triage" if frm == "new" else f"staff:{owner or 'mira'}"
        events.append(Event(number, ev.UPDATED, at, actor, True, {"from": frm, "to": to}))
        if to == "in-progress":
            events.append(
                Event(number, ev.UPDATED, at + stay / 2, actor, True, {"message": "progress"})
            )
    fields = _base(number, created, requester) | {
        "type": ticket_type,
        "status": Status(status),
        "owner": owner,
        "status_since": at,
        "updated_at": at,
    }
    if is_open and owner and rng.random() < 0.02:
        fields["escalation"] = Escalation("priya", owner, "needs a second pair of eyes", at)
    if is_open and rng.random() < 0.05:
        fields["sla_breached"] = ["resolution"]
    if status == "postponed":
        fields["postponed_from"] = Status.IN_PROGRESS
        fields["postponed_until"] = NOW + timedelta(days=rng.randint(1, 30))
    in_window = [e for e in events if window_start <= e.at <= NOW]
    return Ticket(**fields), in_window


def build(open_count: int, total: int, flow, seed: int = 6):
    from services.domain.reports import window
    from services.domain.reports.stats import day_start

    rng = random.Random(seed)
    requesters = _requesters()
    start = day_start(window(NOW, DAYS)[0])
    statuses = [
        *rng.choices(list(OPEN_SHARES), weights=list(OPEN_SHARES.values()), k=open_count),
        *rng.choices(
            list(FINISHED_SHARES), weights=list(FINISHED_SHARES.values()), k=total - open_count
        ),
    ]
    rng.shuffle(statuses)
    tickets, histories = [], {}
    for number, status in enumerate(statuses, start=1):
        requester = requesters[number % len(requesters)]
        ticket, events = life(number, status, rng, flow, requester, start)
        tickets.append(ticket)
        if events:
            histories[number] = events
    return tickets, histories
