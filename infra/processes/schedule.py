"""`rtflow serve scheduler`: the schedules of serverless.yml as one process. The minute job
fires due timers every minute; the reports run at 05:00 UTC daily and on Mondays weekly. A
scheduler that starts after a report's time makes that report at once (a restart makes the
current ones again; the digest mail still goes out once per period)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

from infra.local.pumps import Ticker

log = logging.getLogger("rtflow.processes")

# serverless.yml: cron(0 5 * * ? *) and cron(0 5 ? * MON *).
REPORT_HOUR = 5


def report_periods(now: datetime) -> dict[str, str]:
    """The period each report's latest run belongs to: the day, and the ISO week, of the
    last 05:00 UTC (Monday's, for the week)."""
    shifted = now.astimezone(UTC) - timedelta(hours=REPORT_HOUR)
    year, week, _ = shifted.isocalendar()
    return {"daily": date.isoformat(shifted.date()), "weekly": f"{year}-W{week:02d}"}


class Reports:
    def __init__(self, run: Any):
        self.run = run
        self.done: dict[str, str] = {}

    def tick(self, now: datetime) -> list[str]:
        ran = []
        for kind, period in report_periods(now).items():
            if self.done.get(kind) != period:
                self.run(kind)
                self.done[kind] = period
                ran.append(kind)
        return ran


def _minute_job() -> None:
    from services.scheduler import handler as scheduler

    scheduler.handler({"source": "rtflow serve scheduler"}, None)


def _report(kind: str) -> None:
    from services.scheduler import report_handler

    report_handler.handler({"kind": kind}, None)


def tickers(every: float) -> list[Ticker]:
    reports = Reports(_report)
    return [
        Ticker(_minute_job, every=every),
        Ticker(lambda: reports.tick(datetime.now(UTC)), every=every),
    ]
