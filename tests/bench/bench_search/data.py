"""The tickets of the search benchmark: the scheduler benchmark's plausible ticket text, with
marker words in the title so each size holds a word in 10, in 1,000 and in every ticket."""

from __future__ import annotations

import random
from datetime import timedelta

from tests.bench.bench_scheduler.data import NOW, _base, _requesters

RARE, SOME, EVERY = "zebra", "falcon", "replica"
RARE_COUNT, SOME_COUNT = 10, 1_000
OPEN_SHARE = 0.10
FINISHED = ("closed", "resolved", "rejected")
OPEN = ("triaged", "assigned", "in-progress")
NOTE = "Checked the storage order with the vendor; waiting for the second quote."


def _every(n: int, count: int) -> set[int]:
    """`count` ticket numbers of 1..n, spread evenly."""
    count = min(count, n)
    return {1 + (i * n) // count for i in range(count)}


def build(n: int, seed: int = 14):
    """n tickets (numbers 1..n, a minute apart, 10 % open) and their histories: filed, and
    for one in five an internal note."""
    from services.domain.events import Event
    from services.domain.lifecycle import Status
    from services.domain.ticket import Ticket

    rng = random.Random(seed)  # noqa: S311 - a simulation
    requesters = _requesters()
    rare, some = _every(n, RARE_COUNT), _every(n, SOME_COUNT)
    start = NOW - timedelta(minutes=n + 60)
    tickets, histories = [], {}
    for number in range(1, n + 1):
        created = start + timedelta(minutes=number)
        fields = _base(number, created, requesters[number % len(requesters)])
        markers = [w for w, chosen in ((RARE, rare), (SOME, some)) if number in chosen]
        fields["title"] = " ".join([fields["title"], *markers])
        status = rng.choice(OPEN) if rng.random() < OPEN_SHARE else rng.choice(FINISHED)
        t = Ticket(**{**fields, "status": Status(status)})
        t.updated_at = created + timedelta(minutes=rng.randint(1, 600))
        history = [Event(number, "ticket.filed", created, "api", True, {"source": "api"})]
        if number % 5 == 0:
            note = {"message": NOTE}
            history.append(
                Event(number, "ticket.commented", t.updated_at, "staff:mira", False, note)
            )
        tickets.append(t)
        histories[number] = history
    return tickets, histories


def matches(n: int) -> dict[str, int]:
    """How many tickets hold each marker word."""
    return {RARE: min(RARE_COUNT, n), SOME: min(SOME_COUNT, n), EVERY: n}
