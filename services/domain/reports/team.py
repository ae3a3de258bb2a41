"""The team's side: WIP per engineer against their limits, and the staff-meeting agenda."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..flow import FlowConfig
from ..lifecycle import Status
from ..ticket import Ticket
from .aging import OPEN_ORDER
from .lines import line, oldest_first
from .model import Agenda, WipRow


def wip(open_tickets: Sequence[Ticket], flow: FlowConfig) -> tuple[WipRow, ...]:
    """Open tickets each engineer owns, as the WIP counters count them (postponed ones too);
    an owner no longer in the flow config still has a row, without a limit."""
    owned: dict[str, list[Ticket]] = {m.id: [] for m in flow.members_with_role("engineer")}
    for t in open_tickets:
        if t.owner:
            owned.setdefault(t.owner, []).append(t)
    rows = []
    for member_id, tickets in owned.items():
        member = flow.member(member_id)
        limit = member.wip_limit if member else None
        by_status = {s: 0 for s in OPEN_ORDER}
        for t in tickets:
            by_status[t.status.value] += 1
        rows.append(
            WipRow(
                member=member_id,
                name=member.name if member else member_id,
                wip=len(tickets),
                limit=limit,
                headroom=limit - len(tickets) if limit is not None else None,
                over=limit is not None and len(tickets) > limit,
                by_status={s: n for s, n in by_status.items() if n},
            )
        )
    return tuple(rows)


def agenda(open_tickets: Sequence[Ticket], now: datetime) -> Agenda:
    """What the staff meeting goes through, oldest first: triaged tickets nobody owns,
    escalations waiting for an answer, and tickets that breached an SLA target."""
    tickets = oldest_first(list(open_tickets))
    unowned = [t for t in tickets if t.status is Status.TRIAGED and t.owner is None]
    escalated = sorted(
        (t for t in tickets if t.escalation is not None),
        key=lambda t: (t.escalation.at, t.number),  # type: ignore[union-attr]
    )
    breaching = [t for t in tickets if t.sla_breached]
    return Agenda(
        unowned=tuple(line(t, now) for t in unowned),
        escalated=tuple(
            line(t, now, f"{t.escalation.by} asked {t.escalation.to}: {t.escalation.reason}")
            for t in escalated
            if t.escalation is not None
        ),
        breaching=tuple(
            line(t, now, "breached: " + ", ".join(sorted(t.sla_breached))) for t in breaching
        ),
    )
