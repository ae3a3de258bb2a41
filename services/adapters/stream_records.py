"""The table's stream, as the relay reads it: INSERT records decoded into events and inbox
items (services/application/relay.py decides what to publish)."""

from __future__ import annotations

import logging
from typing import Any

from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecordEventName,
)

from services.application.relay import StreamRecord

from .dynamo import event_from_stream_image, inbound_from_stream_image

log = logging.getLogger(__name__)


def decoded_inserts(event: dict[str, Any]) -> list[StreamRecord]:
    out: list[StreamRecord] = []
    for record in DynamoDBStreamEvent(event).records:
        if record.event_name != DynamoDBRecordEventName.INSERT or record.dynamodb is None:
            continue
        sequence = str(record.dynamodb.sequence_number)
        image = record.dynamodb.new_image or {}
        try:
            item = event_from_stream_image(image) or inbound_from_stream_image(image)
        except Exception:
            log.exception("stream record %s does not decode", sequence)
            out.append(StreamRecord(sequence, None, unreadable=True))
            continue
        out.append(StreamRecord(sequence, item))
    return out
