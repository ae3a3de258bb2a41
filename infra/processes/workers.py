"""`rtflow serve workers`: what Lambda's event source mappings do on AWS, as one process. The
relay reads the table's stream through the DynamoDB Streams API (its place kept in a file),
and each queue's consumer receives batches of up to ten messages by long polling and hands
them to the same handler Lambda runs; a failed message is left on its queue, comes back after
the queue's visibility timeout, and after maxReceiveCount tries goes to its dead-letter queue,
as on AWS."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from infra.local.pumps import QueuePump, StreamPump

from .clients import clients
from .positions import FilePositions
from .preflight import queue_arns, table_stream

# SQS long polling: one receive waits up to this many seconds for a message.
LONG_POLL_SECONDS = 10
# Reading the stream when it had nothing new: every second (GetRecords is cheap, not free).
STREAM_IDLE_SECONDS = 1.0
# Webhook deliveries in flight at once, each message on its own (as Lambda runs the webhooks
# function with batchSize 1): a slow receiver holds up no other subscription.
WEBHOOK_CALLS = 8


def position_file(state_dir: Path, stream_arn: str) -> Path:
    digest = hashlib.sha256(stream_arn.encode()).hexdigest()[:12]
    return state_dir / f"relay-position-{digest}.json"


def _consumers() -> dict[str, tuple[str, Any, int]]:
    from services.inbound import handler as inbound
    from services.notify import handler as notify
    from services.notify import webhook_handler as webhooks
    from services.triage import handler as triage

    return {
        "triage_queue_url": ("triage", triage.handler, 1),
        "notify_queue_url": ("notify", notify.handler, 1),
        "inbound_queue_url": ("inbound", inbound.handler, 1),
        "webhooks_queue_url": ("webhooks", webhooks.handler, WEBHOOK_CALLS),
    }


def workers(settings: Any, state_dir: Path, poll_seconds: int = LONG_POLL_SECONDS) -> list[Any]:
    """The relay and every configured queue's consumer, not yet started; `poll_seconds`: how
    long one receive waits for a message (0: no long polling, for an endpoint that serves
    one request at a time, as the emulator does)."""
    from services.relay import handler as relay

    aws = clients(settings.aws_region, "dynamodb", "dynamodbstreams", "sqs")
    stream = table_stream(aws["dynamodb"], settings.table_name)
    configured = queue_arns(aws["sqs"], settings, "workers")
    positions = FilePositions(position_file(state_dir, stream), stream)
    pumps: list[Any] = [
        StreamPump(
            aws["dynamodbstreams"],
            stream,
            relay.handler,
            settings.aws_region,
            positions,
            idle_wait=STREAM_IDLE_SECONDS,
        )
    ]
    for setting, (name, handler, calls) in _consumers().items():
        if setting in configured:
            pumps.append(
                QueuePump(
                    aws["sqs"],
                    getattr(settings, setting),
                    handler,
                    settings.aws_region,
                    name,
                    retry_after=None,  # the queue's visibility timeout, as Lambda leaves it
                    wait_seconds=poll_seconds,
                    concurrency=calls,
                )
            )
    return pumps
