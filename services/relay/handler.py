"""Lambda entry for the table's stream (NEW_IMAGE): new event items and new inbox items.

Records are handled in order; if publishing fails, the first record not yet published is
reported as the batch item failure, so Lambda checkpoints before it and retries from there.
"""

from __future__ import annotations

import logging

from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecordEventName,
)

from services.adapters.dynamo import event_from_stream_image, inbound_from_stream_image
from services.domain.events import Event
from services.domain.inbound import Inbound

from .logic import Outlets, relay

_CHUNK = 10  # one SQS SendMessageBatch
log = logging.getLogger(__name__)


def handler(event, context):
    from services.adapters.bootstrap import container

    c = container()
    outlets = Outlets(
        notify=c.publisher,
        triage=c.triage_publisher,
        inbound=c.inbound_publisher,
        # Without subscriptions nobody hears webhooks out: queue nothing for them.
        webhooks=c.webhooks_publisher if c.flow.subscriptions else None,
    )
    pending: list[tuple[str, Event | Inbound]] = []
    poisoned: str | None = None
    for record in DynamoDBStreamEvent(event).records:
        if record.event_name != DynamoDBRecordEventName.INSERT or record.dynamodb is None:
            continue
        sequence = record.dynamodb.sequence_number
        image = record.dynamodb.new_image or {}
        try:
            found = event_from_stream_image(image) or inbound_from_stream_image(image)
        except Exception:
            # Publish what came before it; Lambda retries from this record, and after its
            # retries parks it in the relay's failure queue.
            log.exception("relay: record %s is not a readable event", sequence)
            poisoned = sequence
            break
        if found is not None:
            pending.append((sequence, found))
    for start in range(0, len(pending), _CHUNK):
        chunk = pending[start : start + _CHUNK]
        try:
            relay([e for _, e in chunk], outlets)
        except Exception:
            log.exception("relay: publishing failed; the stream retries from %s", chunk[0][0])
            return {"batchItemFailures": [{"itemIdentifier": chunk[0][0]}]}
    if poisoned is not None:
        return {"batchItemFailures": [{"itemIdentifier": poisoned}]}
    return {"batchItemFailures": []}
