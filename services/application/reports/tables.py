"""Every table of a report as (name, header, rows): the CSV's sections."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.domain.reports import Report
from services.domain.reports.model import TicketLine


def _ticket_rows(lines: Iterable[TicketLine]) -> list[list[Any]]:
    return [
        [t.number, t.title, t.type, t.status, t.owner or "", t.age_days, t.in_state_days, t.note]
        for t in lines
    ]


TICKET_HEADER = ["number", "title", "type", "status", "owner", "age_days", "in_state_days", "note"]


def tables(report: Report) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Every table of the report: (name, header, rows). The CSV is these, one after another."""
    a = report.aging
    forecast = [report.forecast.queue, *report.forecast.owners]
    return [
        (
            "summary",
            ["kind", "period", "team", "generated_at", "window_start", "window_days", "open"],
            [
                [
                    report.kind,
                    report.period,
                    report.team,
                    report.generated_at.isoformat(),
                    report.window_start.isoformat(),
                    report.window_days,
                    report.open_tickets,
                ]
            ],
        ),
        *(
            (
                f"aging_by_{name}",
                [name, *a.buckets, "total"],
                [[r.name, *r.counts, r.total] for r in rows],
            )
            for name, rows in (("status", a.by_status), ("owner", a.by_owner), ("type", a.by_type))
        ),
        ("oldest", TICKET_HEADER, _ticket_rows(a.oldest)),
        (
            "time_in_state",
            ["state", "stints", "median_hours", "p85_hours"],
            [[s.state, s.stints, s.median_hours, s.p85_hours] for s in report.time_in_state],
        ),
        (
            "waiting_now",
            ["state", "tickets", "median_hours", "p85_hours", "ticket_days"],
            [
                [w.state, w.tickets, w.median_hours, w.p85_hours, w.ticket_days]
                for w in report.waiting
            ],
        ),
        (
            "cumulative_flow",
            ["day", *report.cfd.bands],
            [
                [p.day.isoformat(), *(p.counts[b] for b in report.cfd.bands)]
                for p in report.cfd.points
            ],
        ),
        (
            "finished_per_day",
            ["day", "done"],
            [[d.day.isoformat(), d.done] for d in report.daily_done],
        ),
        (
            "throughput",
            [
                "type",
                "done",
                "resolved",
                "rejected",
                "per_week",
                "cycle_median_hours",
                "cycle_p85_hours",
            ],
            [
                [
                    t.type,
                    t.done,
                    t.resolved,
                    t.rejected,
                    t.per_week,
                    t.cycle_median_hours,
                    t.cycle_p85_hours,
                ]
                for t in report.throughput
            ],
        ),
        (
            "sla_compliance",
            ["type", "target", "tickets", "met", "breached", "open", "compliance_pct"],
            [
                [s.type, s.target, s.tickets, s.met, s.breached, s.open, s.compliance_pct]
                for s in report.sla
            ],
        ),
        (
            "wip",
            ["member", "name", "wip", "limit", "headroom", "over"],
            [[w.member, w.name, w.wip, w.limit, w.headroom, w.over] for w in report.wip],
        ),
        (
            "forecast",
            [
                "scope",
                "name",
                "open",
                "history_days",
                "done_in_history",
                "mean_per_day",
                "p50",
                "p85",
                "note",
            ],
            [
                [
                    f.scope,
                    f.name,
                    f.open,
                    f.history_days,
                    f.done_in_history,
                    f.mean_per_day,
                    f.p50.isoformat() if f.p50 else "",
                    f.p85.isoformat() if f.p85 else "",
                    f.note,
                ]
                for f in forecast
            ],
        ),
        ("agenda_unowned", TICKET_HEADER, _ticket_rows(report.agenda.unowned)),
        ("agenda_escalated", TICKET_HEADER, _ticket_rows(report.agenda.escalated)),
        ("agenda_breaching", TICKET_HEADER, _ticket_rows(report.agenda.breaching)),
    ]
