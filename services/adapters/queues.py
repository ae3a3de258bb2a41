"""SQS: the relay publishes event and inbound messages; one batch call per ten messages."""

from __future__ import annotations

import json
from collections.abc import Sequence


class QueuePublishError(RuntimeError):
    pass


class SqsEventPublisher:
    def __init__(self, client, queue_url: str):
        self.client = client
        self.queue_url = queue_url

    def publish(self, messages: Sequence[dict]) -> None:
        for start in range(0, len(messages), 10):
            batch = messages[start : start + 10]
            response = self.client.send_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {
                        "Id": str(i),
                        "MessageBody": json.dumps(m, sort_keys=True),
                        "MessageAttributes": {
                            "kind": {"DataType": "String", "StringValue": str(kind)}
                        },
                    }
                    if (kind := m.get("kind") or m.get("action"))
                    else {"Id": str(i), "MessageBody": json.dumps(m, sort_keys=True)}
                    for i, m in enumerate(batch)
                ],
            )
            if response.get("Failed"):
                failed = ", ".join(
                    f"{f['Id']}: {f.get('Message', f['Code'])}" for f in response["Failed"]
                )
                # The stream batch is retried; consumers dedupe on the event id.
                raise QueuePublishError(
                    f"{len(response['Failed'])} message(s) not queued: {failed}"
                )
