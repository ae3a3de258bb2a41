"""Reports: read what they need through the ports, compute them (services.domain.reports),
render them (an HTML page with SVG charts, one CSV, JSON), store them for the day or the
week, and mail the team a digest once per period.

Reads: the open tickets (one by-status query per open status), the events of each day of the
window (one by-day query a day) and the tickets that finished in the window (a batch get by
number, for their type and filing time). Never a scan: the cost follows the open queue and
the window, not the table.

Idempotent: a period's objects have fixed keys, so a rerun overwrites them; the digest is
mailed once per period, claimed first by a conditional put of a marker object (released only
when the mail certainly was not sent, as the notify ledger does).
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from services.domain import reports
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.lifecycle import OPEN, Status
from services.domain.mail import Mail, MailNotSent
from services.domain.ports import Clock, Mailer, TicketRepository
from services.domain.reports import Report
from services.domain.reports.model import TicketLine
from services.domain.ticket import Ticket

log = logging.getLogger(__name__)

FORMATS = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
# Open tickets read per status. A team's queue holds thousands at most; past this the report
# says it is truncated rather than read without end.
OPEN_LIMIT = 50_000
# Rows the HTML lists show (the CSV and the JSON hold them all).
HTML_ROWS = 50
DIGEST = "digest"

Progress = Callable[[int], None]  # steps done since the last call


class ReportStore(Protocol):
    """Where reports are kept: one object per kind, period and format."""

    def put(self, kind: str, period: str, fmt: str, body: bytes, content_type: str) -> str:
        """Store (overwrite) and return the object's key."""

    def get(self, kind: str, period: str, fmt: str) -> bytes | None: ...

    def periods(self, kind: str, limit: int = 10) -> list[str]:
        """The latest periods with a report, newest first."""

    def claim(self, kind: str, period: str, name: str) -> bool:
        """Create the period's marker `name` unless it exists: True for the first caller."""

    def release(self, kind: str, period: str, name: str) -> None: ...


@dataclass(frozen=True)
class ReportDeps:
    tickets: TicketRepository
    flow: FlowConfig
    clock: Clock
    store: ReportStore | None = None
    mailer: Mailer | None = None
    base_url: str = ""


# -- reading ---------------------------------------------------------------------------------


@dataclass
class Gathered:
    open_tickets: list[Ticket] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    finished: dict[int, Ticket] = field(default_factory=dict)
    truncated: bool = False


def steps(days: int) -> int:
    """Reads a report makes: one per open status, one per day, one for finished tickets."""
    return len(OPEN) + days + 1


def gather(
    tickets: TicketRepository, now: datetime, days: int, progress: Progress | None = None
) -> Gathered:
    tick = progress or (lambda n: None)
    got = Gathered()
    for status in (s for s in Status if s in OPEN):
        found = tickets.by_status(status, limit=OPEN_LIMIT)
        got.truncated |= len(found) >= OPEN_LIMIT
        got.open_tickets.extend(found)
        tick(1)
    for day in reports.window(now, days):
        got.events.extend(tickets.events_on(day))
        tick(1)
    numbers = reports.finished_numbers(got.events, {t.number for t in got.open_tickets})
    got.finished = tickets.get_many(numbers) if numbers else {}
    tick(1)
    return got


def generate(
    deps: ReportDeps,
    kind: str = "daily",
    *,
    now: datetime | None = None,
    days: int | None = None,
    progress: Progress | None = None,
) -> Report:
    now = now or deps.clock.now()
    days = days or reports.DEFAULT_DAYS[kind]
    got = gather(deps.tickets, now, days, progress)
    return reports.build_report(
        open_tickets=got.open_tickets,
        events=got.events,
        finished=got.finished,
        flow=deps.flow,
        now=now,
        days=days,
        kind=kind,
        # Seeded by the period: a rerun on the same data gives the same forecast.
        rng=random.Random(f"{kind}:{reports.period_of(kind, now)}"),  # noqa: S311 - a simulation
        truncated=got.truncated,
    )


# -- rendering -------------------------------------------------------------------------------


@functools.cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("services.application", "templates/reports"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["duration"] = duration
    return env


def duration(hours: float | None) -> str:
    """Hours as a person reads them: minutes, hours, or days past two days."""
    if hours is None:
        return "–"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)


def _svg(chart: Any) -> Markup:
    """The chart as inline SVG without any script: pygal writes its config as one even with
    js=[], and mail clients and the staff page's CSP would refuse it. Its text (member names,
    type names) is XML-escaped by pygal; ticket titles never go into a chart."""
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    if "<script" in svg.lower():
        raise ValueError("a chart still holds a script")
    return Markup(svg)  # noqa: S704 - built by pygal's XML writer, scripts removed above


def charts(report: Report) -> dict[str, Markup]:
    import pygal  # deferred: only rendering needs it

    config = pygal.Config(
        js=[],
        disable_xml_declaration=True,
        explicit_size=True,
        width=720,
        height=300,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        print_values=False,
        show_minor_x_labels=True,
        truncate_legend=-1,
        truncate_label=-1,
        show_dots=False,
        style=pygal.style.Style(
            background="white",
            plot_background="white",
            font_family="Helvetica, Arial, sans-serif",
        ),
    )
    out: dict[str, Markup] = {}

    aging = pygal.StackedBar(config, title="Open tickets by age (days since filing)")
    aging.x_labels = list(report.aging.buckets)
    for row in report.aging.by_status:
        if row.total:
            aging.add(row.name, list(row.counts))
    out["aging"] = _svg(aging)

    states = pygal.HorizontalBar(config, title="Time in each status (hours): median and p85")
    shown = [s for s in report.time_in_state if s.stints]
    states.x_labels = [s.state for s in shown]
    states.add("median", [s.median_hours for s in shown])
    states.add("p85", [s.p85_hours for s in shown])
    out["states"] = _svg(states)

    flow = pygal.StackedLine(
        config, title="Cumulative flow (tickets at the end of each day)", fill=True
    )
    flow.x_labels = [p.day.strftime("%m-%d") for p in report.cfd.points]
    flow.x_labels_major_every = 7
    flow.show_minor_x_labels = False
    flow.x_label_rotation = 30
    for band in reversed(report.cfd.bands):  # done at the bottom, new on top
        flow.add(band, [p.counts.get(band, 0) for p in report.cfd.points])
    out["cfd"] = _svg(flow)

    done = pygal.Bar(config, title="Tickets finished per day", show_legend=False)
    done.x_labels = [d.day.strftime("%m-%d") for d in report.daily_done]
    done.x_labels_major_every = 7
    done.show_minor_x_labels = False
    done.x_label_rotation = 30
    done.add("finished", [d.done for d in report.daily_done])
    out["throughput"] = _svg(done)

    wip = pygal.Bar(config, title="WIP per engineer against the limit")
    wip.x_labels = [r.name for r in report.wip]
    wip.add("open tickets owned", [r.wip for r in report.wip])
    wip.add("WIP limit", [r.limit for r in report.wip])
    out["wip"] = _svg(wip)

    lines = [report.forecast.queue, *report.forecast.owners]
    forecast = pygal.HorizontalBar(config, title="Days until the open tickets are done")
    forecast.x_labels = [f.name for f in lines]
    forecast.add("P50", [f.p50_days for f in lines])
    forecast.add("P85", [f.p85_days for f in lines])
    out["forecast"] = _svg(forecast)
    return out


def render_html(report: Report, base_url: str = "", *, with_charts: bool = True) -> str:
    return (
        _env()
        .get_template("report.html")
        .render(
            r=report,
            charts=charts(report) if with_charts else {},
            base_url=base_url.rstrip("/"),
            rows=HTML_ROWS,
        )
    )


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


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


def _cell(value: Any) -> Any:
    """None as an empty cell; text that a spreadsheet would run as a formula, quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(report: Report) -> str:
    """One CSV with a section per table: a line naming it ("# aging_by_status"), its header,
    its rows, and an empty line before the next."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, (name, header, rows) in enumerate(tables(report)):
        if i:
            writer.writerow([])
        writer.writerow([f"# {name}"])
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def render(report: Report, fmt: str, base_url: str = "") -> str:
    if fmt == "html":
        return render_html(report, base_url)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "json":
        return render_json(report)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


# -- the scheduled job -----------------------------------------------------------------------


def digest(report: Report, html: str, to: str, base_url: str) -> Mail:
    """The team's mail: a plain-text digest always, the report page as its HTML part."""
    text = _env().get_template("digest.txt").render(r=report, base_url=base_url.rstrip("/"))
    what = "Weekly" if report.kind == "weekly" else "Daily"
    return Mail(
        to=(to,),
        subject=f"[{report.team}] {what} report {report.period}: {report.open_tickets} open",
        text=text,
        html=html,
        headers={"Auto-Submitted": "auto-generated"},
    )


@dataclass
class Published:
    kind: str
    period: str
    keys: list[str] = field(default_factory=list)
    mailed: bool = False
    skipped: bool = False  # if_missing, and the period had its report already
    summary: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        done = "already there" if self.skipped else ", ".join(self.keys)
        return f"{self.kind} report {self.period}: {done}" + (
            "; digest mailed" if self.mailed else ""
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "period": self.period,
            "keys": self.keys,
            "mailed": self.mailed,
            "skipped": self.skipped,
            **self.summary,
        }


def publish(
    deps: ReportDeps, kind: str = "daily", *, now: datetime | None = None, if_missing: bool = False
) -> Published:
    """Write the period's report in every format, then mail the digest once per period."""
    if deps.store is None:
        raise ValueError("no report store: set RTFLOW_REPORTS_BUCKET")
    now = now or deps.clock.now()
    period = reports.period_of(kind, now)
    result = Published(kind, period)
    if if_missing and deps.store.get(kind, period, "json") is not None:
        result.skipped = True
        return result
    report = generate(deps, kind, now=now)
    result.summary = summary(report)
    html = render_html(report, deps.base_url)
    bodies = {"html": html, "csv": render_csv(report), "json": render_json(report)}
    # JSON last: its presence says the period's report is whole (if_missing looks for it).
    for fmt in ("html", "csv", "json"):
        result.keys.append(
            deps.store.put(kind, period, fmt, bodies[fmt].encode("utf-8"), FORMATS[fmt])
        )
    if deps.mailer is not None and deps.store.claim(kind, period, DIGEST):
        mail = digest(report, html, deps.flow.team.mail_list, deps.base_url)
        try:
            deps.mailer.send(mail)
        except MailNotSent:
            deps.store.release(kind, period, DIGEST)  # certainly not sent: the next run may
            raise
        result.mailed = True
    return result


def summary(report: Report) -> dict[str, Any]:
    """A few numbers for the log and the handler's answer."""
    q = report.forecast.queue
    return {
        "open": report.open_tickets,
        "events": report.events_read,
        "done": sum(d.done for d in report.daily_done),
        "p50": q.p50.isoformat() if q.p50 else None,
        "p85": q.p85.isoformat() if q.p85 else None,
    }
