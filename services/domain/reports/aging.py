"""Aging: the open tickets by age (since filing) in buckets, per status, owner and type, and
the oldest of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from ..flow import FlowConfig
from ..lifecycle import OPEN, Status
from ..ticket import Ticket
from .lines import line, oldest_first
from .model import AgeRow, Aging

# Bucket edges in days: an age falls in [edge, next edge). Short ages apart (what triage
# should have seen), then the weeks and months a queue grows old in.
EDGES = (0, 1, 3, 7, 14, 30, 90)
BUCKETS = ("<1d", "1-3d", "3-7d", "7-14d", "14-30d", "30-90d", "90d+")
OLDEST = 20
# Statuses in life-cycle order, for every table that lists them.
OPEN_ORDER = tuple(s.value for s in Status if s in OPEN)


def bucket(age_days: float) -> int:
    """The index of the bucket an age (days) falls in."""
    index = 0
    for i, edge in enumerate(EDGES):
        if age_days >= edge:
            index = i
    return index


def _rows(
    tickets: Sequence[Ticket], now: datetime, key: Callable[[Ticket], str], names: Iterable[str]
) -> tuple[AgeRow, ...]:
    counts: dict[str, list[int]] = {name: [0] * len(BUCKETS) for name in names}
    for t in tickets:
        age = (now - t.created_at).total_seconds() / 86400
        counts.setdefault(key(t), [0] * len(BUCKETS))[bucket(age)] += 1
    return tuple(
        AgeRow(name=name, counts=tuple(row), total=sum(row)) for name, row in counts.items()
    )


def aging(tickets: Sequence[Ticket], flow: FlowConfig, now: datetime) -> Aging:
    members = [m.id for m in flow.members_with_role("engineer")]
    return Aging(
        buckets=BUCKETS,
        by_status=_rows(tickets, now, lambda t: t.status.value, OPEN_ORDER),
        # Every engineer has a row (an empty one says something too); "" is nobody.
        by_owner=_rows(tickets, now, lambda t: t.owner or "", [*members, ""]),
        by_type=_rows(tickets, now, lambda t: t.type, [tt.name for tt in flow.ticket_types]),
        oldest=tuple(line(t, now) for t in oldest_first(list(tickets))[:OLDEST]),
    )
