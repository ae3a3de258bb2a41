"""Lambda entry for the triage queue (services/application/triage.py decides)."""

from __future__ import annotations

import json

from services.application.triage import handle_event
from services.domain.events import Event
from services.lambda_sqs import SqsRecord, batch_handler


def record_handler(record: SqsRecord) -> None:
    from services.adapters.bootstrap import container

    handle_event(Event.from_message(json.loads(record.body)), container().triage_deps)


handler = batch_handler(record_handler)
