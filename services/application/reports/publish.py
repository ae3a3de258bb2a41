"""The scheduled job: store the period's report in every format, then mail the team a digest
once per period.

Idempotent: a period's objects have fixed keys, so a rerun overwrites them; the digest is
mailed once per period, claimed first by a conditional put of a marker object (released only
when the mail certainly was not sent, as the notify ledger does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.domain import reports
from services.domain.mail import Mail, MailNotSent
from services.domain.reports import Report

from .gather import ReportDeps, generate
from .render import FORMATS, environment, render_csv, render_html, render_json

DIGEST = "digest"


def digest(report: Report, html: str, to: str, base_url: str) -> Mail:
    """The team's mail: a plain-text digest always, the report page as its HTML part."""
    text = environment().get_template("digest.txt").render(r=report, base_url=base_url.rstrip("/"))
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
