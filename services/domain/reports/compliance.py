"""SLA compliance per ticket type, evaluated from events (domain/sla.py) for the tickets filed
in the window: only for them does the window hold the whole history an SLA clock is computed
from. A target is met or breached once it stopped (first response given, ticket finished),
or breached while it still runs; otherwise it is open."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ..events import TICKET_FILED, Event
from ..flow import FlowConfig
from ..sla import evaluate
from .model import SlaRow

TARGETS = ("first_response", "resolution")


def sla_compliance(
    histories: Mapping[int, Sequence[Event]], flow: FlowConfig, now: datetime
) -> tuple[SlaRow, ...]:
    tally: dict[tuple[str, str], dict[str, int]] = {}
    for events in histories.values():
        filed = next((e for e in events if e.kind == TICKET_FILED), None)
        if filed is None:
            continue  # filed before the window
        ticket_type = flow.ticket_type(str(filed.data.get("type", "")))
        if ticket_type is None or ticket_type.sla is None:
            continue
        policy = ticket_type.sla
        calendar = flow.calendar if policy.business_hours else None
        targets = policy.targets(flow.calendar)
        for state in evaluate(events, targets, calendar, now, policy.warn_at):
            counts = tally.setdefault(
                (ticket_type.name, state.name), {"met": 0, "breached": 0, "open": 0}
            )
            counts[state.state if state.state in ("met", "breached") else "open"] += 1
    rows = []
    for t in flow.ticket_types:
        if t.sla is None:
            continue
        for target in TARGETS:
            if target not in t.sla.targets(flow.calendar):
                continue
            c = tally.get((t.name, target), {"met": 0, "breached": 0, "open": 0})
            decided = c["met"] + c["breached"]
            rows.append(
                SlaRow(
                    type=t.name,
                    target=target,
                    tickets=decided + c["open"],
                    met=c["met"],
                    breached=c["breached"],
                    open=c["open"],
                    compliance_pct=round(100 * c["met"] / decided, 1) if decided else None,
                )
            )
    return tuple(rows)
