"""Lambda entry for the table's stream (NEW_IMAGE).

Records are handled in order; if publishing fails, the first record not yet published is
reported as the batch item failure, so Lambda checkpoints before it and retries from there.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecordEventName,
)

from services.adapters.dynamo import event_from_stream_image

from .logic import relay

_CHUNK = 10  # one SQS SendMessageBatch


def handler(event, context):
    from services.adapters.bootstrap import container

    publisher = container().publisher
    pending: list[tuple[str, object]] = []
    for record in DynamoDBStreamEvent(event).records:
        if record.event_name != DynamoDBRecordEventName.INSERT or record.dynamodb is None:
            continue
        found = event_from_stream_image(record.dynamodb.new_image or {})
        if found is not None:
            pending.append((record.dynamodb.sequence_number, found))
    for start in range(0, len(pending), _CHUNK):
        chunk = pending[start : start + _CHUNK]
        try:
            relay([e for _, e in chunk], publisher)
        except Exception:
            return {"batchItemFailures": [{"itemIdentifier": chunk[0][0]}]}
    return {"batchItemFailures": []}
