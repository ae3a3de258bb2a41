"""Lambda's SQS edge, shared by the queue handlers: batch handlers with partial failures
(only the failed messages come back; after the queue's maxReceiveCount they go to its
dead-letter queue), receive counts, and a message's next try.

Lambda's partial batch response is a dict of the failed message ids; answering it needs
nothing but the event (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html),
so it is done here rather than with a library whose import a cold start would pay for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class SqsRecord:
    """One message of an SQS event, as Lambda hands it over."""

    raw: Mapping[str, Any]

    @property
    def body(self) -> str:
        return str(self.raw.get("body", ""))

    @property
    def message_id(self) -> str:
        return str(self.raw.get("messageId", ""))

    @property
    def receipt_handle(self) -> str:
        return str(self.raw.get("receiptHandle", ""))

    @property
    def attributes(self) -> Mapping[str, Any]:
        return self.raw.get("attributes") or {}


class BatchFailed(Exception):
    """Every message of the batch failed: Lambda tries the whole batch again."""


def batch_handler(
    record_handler: Callable[[SqsRecord], Any], *, all_failed_is_partial: bool = False
) -> Handler:
    """The Lambda handler of an SQS queue, one `record_handler` call per message, answered
    with the messages that failed. A batch whose every message failed raises (Lambda's
    retry of the whole batch), unless `all_failed_is_partial`: then it is answered like any
    other (each listed), so a delay set on each message holds."""

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        records = [SqsRecord(r) for r in event.get("Records") or []]
        failed: list[str] = []
        first: Exception | None = None
        for record in records:
            try:
                record_handler(record)
            except Exception as e:
                log.debug("message %s failed: %r", record.message_id, e)  # its handler logs
                failed.append(record.message_id)
                first = first or e
        if records and len(failed) == len(records) and not all_failed_is_partial:
            raise BatchFailed(
                f"all {len(records)} messages failed; the first: {first!r}"
            ) from first
        return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}

    return handler


def receive_count(record: SqsRecord) -> int:
    try:
        return max(int(record.attributes["ApproximateReceiveCount"]), 1)
    except (TypeError, ValueError, KeyError):
        return 1


def delay(sqs: Any, queue_url: str, record: SqsRecord, seconds: int) -> None:
    """The next try of this message after `seconds` (its visibility timeout from now)."""
    try:
        sqs.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=record.receipt_handle, VisibilityTimeout=seconds
        )
    except Exception:  # the queue's own visibility timeout applies: a retry still comes
        log.exception("message %s: visibility not changed", record.message_id)
