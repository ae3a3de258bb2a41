"""Lambda entry for the minute schedule (EventBridge `rate(1 minute)`): fire the due timers
(services/application/timers.py)."""

from __future__ import annotations

import logging
from typing import Any

from services.application.timers import run_due

log = logging.getLogger(__name__)


def handler(event: Any, context: Any) -> dict[str, Any]:
    from services.adapters.bootstrap import container

    report = run_due(container().timer_deps)
    log.info("timers: %d tickets due, %d fired, %d re-planned", *report.counts)
    return {"due_tickets": report.due_tickets, "fired": report.fired, "replanned": report.replanned}
