"""Lambda's SQS edge, shared by the queue handlers: batch handlers with partial failures
(only the failed messages come back; after the queue's maxReceiveCount they go to its dead-letter queue), receive counts,
and a message's next try."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def batch_handler(
    record_handler: Callable[[SQSRecord], Any], *, all_failed_is_partial: bool = False
) -> Handler:
    """The Lambda handler of an SQS queue, one `record_handler` call per message. With
    `all_failed_is_partial`, a batch where every message failed is answered like any other
    (each listed), so a delay set on each message holds."""
    processor = BatchProcessor(
        event_type=EventType.SQS, raise_on_entire_batch_failure=not all_failed_is_partial
    )

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return dict(
            process_partial_response(
                event=event, record_handler=record_handler, processor=processor, context=context
            )
        )

    return handler


def receive_count(record: SQSRecord) -> int:
    try:
        return max(int(record.attributes.approximate_receive_count), 1)
    except (TypeError, ValueError, KeyError):
        return 1


def delay(sqs: Any, queue_url: str, record: SQSRecord, seconds: int) -> None:
    """The next try of this message after `seconds` (its visibility timeout from now)."""
    try:
        sqs.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=record.receipt_handle, VisibilityTimeout=seconds
        )
    except Exception:  # the queue's own visibility timeout applies: a retry still comes
        log.exception("message %s: visibility not changed", record.message_id)
