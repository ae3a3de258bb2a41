"""Lambda entry for the webhooks queue: an event for one subscription (the message names it;
an older message without a name goes to every subscription), delivered with backoff between
tries (services/application/webhooks_out.py)."""

from __future__ import annotations

import json

from services.application.webhooks_out import offer
from services.domain.events import Event
from services.lambda_sqs import SqsRecord, batch_handler, delay, receive_count


def record_handler(record: SqsRecord) -> None:
    from services.adapters.bootstrap import container

    c = container()
    if not c.flow.subscriptions:
        return  # nobody subscribed: nothing to read, build or send
    queue = c.settings.webhooks_queue_url
    later = lambda seconds: delay(c.sqs, queue, record, seconds)  # noqa: E731
    message = json.loads(record.body)
    event = Event.from_message(message)
    only = message.get("subscription")
    offer(event, c.webhook_deps, receives=receive_count(record), delay=later, only=only)


handler = batch_handler(record_handler, all_failed_is_partial=True)
