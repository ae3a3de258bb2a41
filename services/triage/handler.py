"""Lambda entry for the triage queue: an SQS batch with partial failures."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.domain.events import Event

from .logic import TriageDeps, handle_event

_processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    from services.adapters.bootstrap import container

    c = container()
    deps = TriageDeps(tickets=c.tickets, flow=c.flow, clock=c.clock)
    handle_event(Event.from_message(json.loads(record.body)), deps)


def handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=_processor, context=context
    )
