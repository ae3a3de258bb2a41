"""Lambda entry for the webhooks queue: every event, offered to the flow config's
subscriptions, with backoff between tries (services/application/webhooks_out.py)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.application.webhooks_out import WebhookDeps, offer
from services.domain.events import Event
from services.lambda_sqs import batch_handler, delay, receive_count


def _container() -> Any:
    from services.adapters.bootstrap import container

    return container()


def _deps() -> WebhookDeps:
    return _container().webhook_deps


def record_handler(record: SQSRecord) -> None:
    c = _container()
    if not c.flow.subscriptions:
        return  # nobody subscribed: nothing to read, build or send
    queue = c.settings.webhooks_queue_url
    event = Event.from_message(json.loads(record.body))
    offer(
        event,
        _deps(),
        receives=receive_count(record),
        delay=lambda s: delay(c.sqs, queue, record, s),
    )


handler = batch_handler(record_handler, all_failed_is_partial=True)
