"""Lambda entry for the webhooks queue: every event, offered to the flow config's
subscriptions (services.notify.webhooks). An SQS batch with partial failures.

Backoff: a message whose delivery failed is made invisible for
min(900, base * 2**(receives - 1)) seconds (base: RTFLOW_WEBHOOK_BACKOFF_SECONDS, 30 by
default: 30 s, 1 min, 2 min, 4 min, 8 min, then 15 min), then reported as failed. After
MAX_RECEIVES receives the queue's redrive policy parks it on the dead-letter queue; the last
try logs its failures as dead-lettered.
"""

from __future__ import annotations

import json
import logging

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.domain.events import Event

from .webhooks import WebhookDeps, deliver_event

log = logging.getLogger("rtflow.webhooks")

# As infra/resources/queues.yml WebhooksQueue's maxReceiveCount (a test keeps them equal).
MAX_RECEIVES = 8
MAX_VISIBILITY_SECONDS = 900

# A batch where every delivery failed is answered like any other (each message listed), so
# each keeps the backoff set on it.
_processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def backoff_seconds(receive_count: int, base: int) -> int:
    return min(MAX_VISIBILITY_SECONDS, base * 2 ** max(receive_count - 1, 0))


def _receive_count(record: SQSRecord) -> int:
    try:
        return max(int(record.attributes.approximate_receive_count), 1)
    except (TypeError, ValueError, KeyError):
        return 1


def _container():
    from services.adapters.bootstrap import container

    return container()


def _deps() -> WebhookDeps:
    from services.adapters.http import default_poster

    c = _container()
    return WebhookDeps(
        tickets=c.tickets,
        log=c.deliveries,
        poster=default_poster(),
        flow=c.flow,
        clock=c.clock,
        base_url=c.settings.base_url,
        secret=c.subscription_secret,
    )


def _delay(record: SQSRecord, seconds: int) -> None:
    """The next try of this message after `seconds` (its visibility timeout from now)."""
    c = _container()
    try:
        c.sqs.change_message_visibility(
            QueueUrl=c.settings.webhooks_queue_url,
            ReceiptHandle=record.receipt_handle,
            VisibilityTimeout=seconds,
        )
    except Exception:  # the queue's own visibility timeout applies: a retry still comes
        log.exception("message %s: visibility not changed", record.message_id)


def record_handler(record: SQSRecord) -> None:
    if not _container().flow.subscriptions:
        return  # nobody subscribed: nothing to read, build or send
    receives = _receive_count(record)
    event = Event.from_message(json.loads(record.body))
    try:
        deliver_event(event, _deps(), last_try=receives >= MAX_RECEIVES)
    except Exception:
        if receives < MAX_RECEIVES:
            base = _container().settings.webhook_backoff_seconds
            _delay(record, backoff_seconds(receives, base))
        raise


def handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=_processor, context=context
    )
