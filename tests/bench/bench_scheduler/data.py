"""The tickets of the benchmark: many with timers in the future, a few due now, with their
histories, as the table holds them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # the tests' FixedClock default: a Friday
DUE = 20
FUTURE_SHARE = 0.10


SECRET = "bench-secret-" * 4


# -- the data -----------------------------------------------------------------------------------


def _requesters(count: int = 200):
    from services.domain.drafts import Requester

    return [Requester(name=f"Requester {i}", email=f"user{i}@example.org") for i in range(count)]


def _base(number: int, created: datetime, requester) -> dict[str, Any]:
    return {
        "number": number,
        "type": "general",
        "title": f"Grant the analytics team a read replica ({number})",
        "requirements": "A MySQL read replica of the wiki database for analytics queries, "
        "sized for a year of growth, with the usual backups and monitoring.",
        "end_state": "Analysts run their queries on the replica, not on production.",
        "acceptance_criteria": ["The replica lags less than 60 s", "Analysts can log in"],
        "capacity_needs": "500 GB, 200 queries/s",
        "security_needs": "Read-only accounts for the analytics group",
        "dependencies": ["Storage order #12"],
        "requester": requester,
        "created_at": created,
        "updated_at": created,
        "status_since": created,
        "acknowledged_at": created + timedelta(minutes=1),
        "token_salt": f"{number:032x}",
        "token_digest": f"{number:064x}",
        "version": 3,
    }


def due_ticket(number: int, wake_at: datetime, requester, flow):
    """A ticket whose wake is due at `wake_at`, built through the domain, with its events."""
    from services.domain import events as ev
    from services.domain import timers
    from services.domain.actors import Actor
    from services.domain.events import Event
    from services.domain.ticket import Ticket
    from services.domain.triage_rules import Complexity

    filed_at = NOW - timedelta(days=2)
    fields = _base(number, filed_at, requester) | {"version": None}
    ticket = Ticket(**fields)
    history = [
        Event(
            number,
            ev.TICKET_FILED,
            filed_at,
            f"requester:{requester.email}",
            True,
            {"source": "api", "type": "general"},
        )
    ]
    triager, owner = flow.member("mira"), flow.member("tomas")
    change = ticket.triage(
        now=filed_at + timedelta(hours=1),
        actor=Actor.staff(triager),
        complexity=Complexity("medium", 3, ("database work",)),
        skills=["mysql"],
        owner=owner,
        routing="rules",
    )
    history += [change.event] if change.event else []
    change = ticket.postpone(
        now=filed_at + timedelta(hours=2),
        actor=Actor.staff(owner),
        until=wake_at,
        reason="waiting for the storage order",
        public=True,
    )
    history += [change.event] if change.event else []
    ticket.timers = timers.plan(ticket, history, flow, filed_at + timedelta(hours=2))
    ticket.version = len(history)
    return ticket, history


def build_tickets(n: int, groups: int, flow, seed: int = 4):
    """`groups` groups of DUE tickets due in successive minutes (group 0 at NOW), 10 % with a
    timer in the future (the later groups among them), the rest finished and timer-free."""
    from services.domain.lifecycle import Status
    from services.domain.ticket import Ticket

    rng = random.Random(seed)
    requesters = _requesters()
    numbers = list(range(1, n + 1))
    due_numbers = rng.sample(numbers, DUE * groups)
    future_count = max(round(n * FUTURE_SHARE) - DUE * (groups - 1), 0)
    rest = sorted(set(numbers) - set(due_numbers))
    future_numbers = set(rng.sample(rest, future_count))
    due_at: dict[int, datetime] = {}
    for g in range(groups):  # group g is due in (NOW + (g-1) min, NOW + g min]
        for i, number in enumerate(due_numbers[g * DUE : (g + 1) * DUE]):
            due_at[number] = NOW + timedelta(minutes=g) - timedelta(seconds=i + 1)
    span = timedelta(days=3 * 365)
    tickets, histories = [], {}
    for number in numbers:
        requester = requesters[number % len(requesters)]
        if number in due_at:
            ticket, history = due_ticket(number, due_at[number], requester, flow)
            tickets.append(ticket)
            histories[number] = history
            continue
        created = NOW - span + span * (number / (n + 1)) - timedelta(days=1)
        fields = _base(number, created, requester)
        if number in future_numbers:
            when = NOW + timedelta(hours=rng.randint(1, 240))
            if rng.random() < 0.5:
                fields |= {
                    "status": Status.POSTPONED,
                    "owner": "tomas",
                    "postponed_from": Status.IN_PROGRESS,
                    "postponed_until": when,
                    "timers": {"wake": when},
                }
            else:
                fields |= {
                    "status": Status.IN_PROGRESS,
                    "owner": "priya",
                    "timers": {
                        "sla-warn:resolution": when,
                        "sla-breach:resolution": when + timedelta(hours=16),
                    },
                }
        else:
            fields |= {
                "status": Status.CLOSED,
                "owner": "jonas",
                "status_since": created + timedelta(days=5),
                "updated_at": created + timedelta(days=5),
            }
        tickets.append(Ticket(**fields))
    return tickets, histories
