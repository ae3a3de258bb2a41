"""Lambda entry for the minute schedule (EventBridge `rate(1 minute)`)."""

from __future__ import annotations

import logging

from .logic import SchedulerDeps, run_due

log = logging.getLogger(__name__)


def handler(event, context):
    from services.adapters.bootstrap import container

    c = container()
    report = run_due(SchedulerDeps(tickets=c.tickets, flow=c.flow, clock=c.clock))
    log.info(
        "timers: %d tickets due, %d fired, %d re-planned",
        report.due_tickets,
        len(report.fired),
        report.replanned,
    )
    return {"due_tickets": report.due_tickets, "fired": report.fired, "replanned": report.replanned}
