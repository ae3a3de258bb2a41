"""Lambda entry for the reports schedule (EventBridge: daily and weekly). The rule's input
names the kind: {"kind": "daily"} or {"kind": "weekly"}; "if_missing": true writes the
period's report only when it has none yet (the embedded stack's ticker asks so)."""

from __future__ import annotations

import logging
from typing import Any

from services.application.reports import publish

log = logging.getLogger(__name__)


def handler(event: Any, context: Any) -> dict[str, Any]:
    from services.adapters.bootstrap import container

    event = event if isinstance(event, dict) else {}
    kind = str(event.get("kind") or "daily")
    if kind not in ("daily", "weekly"):
        raise ValueError(f"unknown report kind {kind!r}: daily or weekly")
    done = publish(container().report_deps, kind, if_missing=bool(event.get("if_missing")))
    log.info("%s", done)
    return done.as_dict()
