"""Lambda entry for the triage queue (services/application/triage.py decides)."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.application.triage import handle_event
from services.domain.events import Event
from services.lambda_sqs import batch_handler


def record_handler(record: SQSRecord) -> None:
    from services.adapters.bootstrap import container

    handle_event(Event.from_message(json.loads(record.body)), container().triage_deps)


handler = batch_handler(record_handler)
