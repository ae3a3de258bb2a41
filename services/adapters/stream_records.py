"""The table's stream, as the relay reads it: INSERT records decoded into events and inbox
items (services/application/relay.py decides what to publish). The images are DynamoDB's
JSON, read with boto3's own deserializer."""

from __future__ import annotations

import logging
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from services.application.relay import StreamRecord

from .dynamo.streams import event_from_stream_image, inbound_from_stream_image

log = logging.getLogger(__name__)
_VALUES = TypeDeserializer()


def _image(change: dict[str, Any]) -> dict[str, Any]:
    return {k: _VALUES.deserialize(v) for k, v in (change.get("NewImage") or {}).items()}


def decoded_inserts(event: dict[str, Any]) -> list[StreamRecord]:
    out: list[StreamRecord] = []
    for record in event.get("Records") or []:
        change = record.get("dynamodb")
        if record.get("eventName") != "INSERT" or not change:
            continue
        sequence = str(change.get("SequenceNumber"))
        try:
            image = _image(change)
            item = event_from_stream_image(image) or inbound_from_stream_image(image)
        except Exception:
            log.exception("stream record %s does not decode", sequence)
            out.append(StreamRecord(sequence, None, unreadable=True))
            continue
        out.append(StreamRecord(sequence, item))
    return out
