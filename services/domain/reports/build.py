"""One report from the open tickets, the events of the window, the flow config and the time.

The window is the `days` UTC days up to and including today's (a day's events are one query
of the by-day index); today counts up to `now`. Throughput history for the forecast is the
window's complete days, today's partial one left out.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from ..events import Event
from ..flow import FlowConfig
from ..lifecycle import OPEN
from ..ticket import Ticket
from .aging import aging
from .compliance import sla_compliance
from .forecast import HORIZON_DAYS, TRIALS, forecast_line
from .history import by_ticket, filed_into, is_completion
from .model import Forecast, Report
from .states import cfd, time_in_state, waiting
from .stats import day_start, utc_day
from .team import agenda, wip
from .throughput import Known, completions, daily, per_type

KINDS = ("daily", "weekly", "adhoc")
DEFAULT_DAYS = {"daily": 28, "weekly": 56, "adhoc": 28}


def period_of(kind: str, now: datetime) -> str:
    """The period a report stands for: its UTC day, or its ISO week ("2026-W48")."""
    today = utc_day(now)
    if kind == "weekly":
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"
    return today.isoformat()


def window(now: datetime, days: int) -> list[date]:
    """The UTC days a report reads the events of, oldest first, today last."""
    if days < 1:
        raise ValueError("a report's window is at least one day")
    today = utc_day(now)
    return [today - timedelta(days=days - 1 - i) for i in range(days)]


def finished_numbers(events: Sequence[Event], open_numbers: set[int]) -> list[int]:
    """Tickets that finished in the window and are not open now: the report looks them up
    (type, filing time, owner) for throughput and cycle time."""
    return sorted({e.ticket for e in events if is_completion(e)} - open_numbers)


def _known(
    open_tickets: Sequence[Ticket], finished: Mapping[int, Ticket], events: Sequence[Event]
) -> dict[int, Known]:
    known: dict[int, Known] = {}
    for e in events:
        if filed_into(e) is not None:
            known[e.ticket] = Known(str(e.data.get("type", "")), e.at, e.data.get("owner"))
    for t in [*finished.values(), *open_tickets]:
        known[t.number] = Known(t.type, t.created_at, t.owner)
    return known


def build_report(
    *,
    open_tickets: Sequence[Ticket],
    events: Sequence[Event],
    finished: Mapping[int, Ticket],
    flow: FlowConfig,
    now: datetime,
    days: int,
    rng: random.Random,
    kind: str = "adhoc",
    trials: int = TRIALS,
    horizon_days: int = HORIZON_DAYS,
    truncated: bool = False,
) -> Report:
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}; one of {', '.join(KINDS)}")
    days_list = window(now, days)
    start = day_start(days_list[0])
    open_tickets = [t for t in open_tickets if t.status in OPEN]
    in_window = [e for e in events if start <= e.at <= now]
    histories = by_ticket(in_window)
    known = _known(open_tickets, finished, in_window)
    done = completions(in_window, known)
    per_day = daily(done, days_list)
    history = [d.done for d in per_day[:-1]]  # complete days only
    today = utc_day(now)

    owners = [r for r in wip(open_tickets, flow) if r.wip]
    queue = forecast_line(
        "queue", flow.team.name, len(open_tickets), history, today, rng, trials, horizon_days
    )
    by_owner = []
    for row in owners:
        mine = [d for d in done if d.owner == row.member]
        own_history = list(daily(mine, days_list)[:-1])
        by_owner.append(
            forecast_line(
                row.member,
                row.name,
                row.wip,
                [d.done for d in own_history],
                today,
                rng,
                trials,
                horizon_days,
            )
        )
    return Report(
        kind=kind,
        period=period_of(kind, now),
        team=flow.team.name,
        generated_at=now,
        window_start=start,
        window_days=days,
        open_tickets=len(open_tickets),
        events_read=len(events),
        truncated=truncated,
        aging=aging(open_tickets, flow, now),
        time_in_state=time_in_state(histories),
        waiting=waiting(open_tickets, now),
        cfd=cfd(open_tickets, in_window, days_list, now),
        daily_done=per_day,
        throughput=per_type(done, flow, (now - start).total_seconds() / 86400),
        sla=sla_compliance(histories, flow, now),
        wip=wip(open_tickets, flow),
        forecast=Forecast(
            trials=trials, horizon_days=horizon_days, queue=queue, owners=tuple(by_owner)
        ),
        agenda=agenda(open_tickets, now),
    )
