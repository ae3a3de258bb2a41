"""Lambda entry for the notify queue: an SQS batch with partial failures (only the failed
messages come back; after maxReceiveCount they go to the dead-letter queue)."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.domain.events import Event

from .logic import NotifyDeps, handle_event

_processor = BatchProcessor(event_type=EventType.SQS)


def _deps() -> NotifyDeps:
    from services.adapters.bootstrap import container

    c = container()
    return NotifyDeps(
        tickets=c.tickets,
        ledger=c.mail_ledger,
        mailer=c.mailer,
        flow=c.flow,
        clock=c.clock,
        base_url=c.settings.base_url,
        secret_key=c.settings.secret_key,
    )


def record_handler(record: SQSRecord) -> None:
    handle_event(Event.from_message(json.loads(record.body)), _deps())


def handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=_processor, context=context
    )
