"""Lambda entry for the reports schedule (EventBridge: daily and weekly). The rule's input
names the kind: {"kind": "daily"} or {"kind": "weekly"}; "if_missing": true writes the
period's report only when it has none yet (the embedded stack's ticker asks so)."""

from __future__ import annotations

import logging

from .reports import ReportDeps, publish

log = logging.getLogger(__name__)


def handler(event, context):
    from services.adapters.bootstrap import container

    event = event if isinstance(event, dict) else {}
    kind = str(event.get("kind") or "daily")
    if kind not in ("daily", "weekly"):
        raise ValueError(f"unknown report kind {kind!r}: daily or weekly")
    c = container()
    deps = ReportDeps(
        tickets=c.tickets,
        flow=c.flow,
        clock=c.clock,
        store=c.report_store,
        mailer=c.mailer,
        base_url=c.settings.base_url,
    )
    done = publish(deps, kind, if_missing=bool(event.get("if_missing")))
    log.info(
        "%s report %s: %s%s",
        kind,
        done.period,
        "already there" if done.skipped else ", ".join(done.keys),
        "; digest mailed" if done.mailed else "",
    )
    return {
        "kind": kind,
        "period": done.period,
        "keys": done.keys,
        "mailed": done.mailed,
        "skipped": done.skipped,
        **done.summary,
    }
