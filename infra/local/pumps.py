"""What Lambda's event source mappings do on AWS, done by threads on the embedded stack:
read the table's stream and the queues, hand Lambda-shaped events to the same handlers, and
honour their partial-failure answers (retry from the failed record / message)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

log = logging.getLogger("rtflow.local")

Handler = Callable[[dict, Any], dict]


class _Pump(threading.Thread):
    def __init__(self, name: str, idle_wait: float = 0.1):
        super().__init__(name=name, daemon=True)
        self.stopping = threading.Event()
        self.idle = threading.Event()
        # Seconds between reads when there was nothing to do.
        self.idle_wait = idle_wait

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                busy = self.step()
            except Exception:
                log.exception("%s: step failed; retrying", self.name)
                busy = False
            if not busy:
                self.idle.set()
                self.stopping.wait(self.idle_wait)
            else:
                self.idle.clear()

    def step(self) -> bool:
        raise NotImplementedError


def _stream_record(raw: dict, stream_arn: str, region: str) -> dict:
    """A DynamoDB Streams GetRecords record, shaped as Lambda delivers it."""
    record = dict(raw)
    ddb = dict(record["dynamodb"])
    created = ddb.get("ApproximateCreationDateTime")
    if created is not None and hasattr(created, "timestamp"):
        ddb["ApproximateCreationDateTime"] = created.timestamp()
    record["dynamodb"] = ddb
    record["eventSourceARN"] = stream_arn
    record.setdefault("awsRegion", region)
    return record


class Positions:
    """Where the relay is in each shard: the last sequence handed on, and the shards read to
    their end. Here in memory (the embedded stack's stream lives as long as the process);
    infra/processes keeps them in a file so a restarted relay neither skips nor floods."""

    def __init__(self) -> None:
        self.sequences: dict[str, str] = {}
        self.finished: set[str] = set()

    def after(self, shard_id: str) -> str | None:
        return self.sequences.get(shard_id)

    def is_finished(self, shard_id: str) -> bool:
        return shard_id in self.finished

    def save(self, shard_id: str, sequence: str) -> None:
        self.sequences[shard_id] = sequence

    def finish(self, shard_id: str) -> None:
        self.finished.add(shard_id)
        self.sequences.pop(shard_id, None)


class StreamPump(_Pump):
    # As serverless.yml's maximumRetryAttempts: then the record is skipped (on AWS it goes to
    # the relay's failure queue; here the log says so).
    MAX_RETRIES = 10

    def __init__(
        self,
        streams_client,
        stream_arn: str,
        handler: Handler,
        region: str,
        positions: Positions | None = None,
        idle_wait: float = 0.1,
    ):
        super().__init__("stream-pump", idle_wait)
        self.client, self.arn = streams_client, stream_arn
        self.handler, self.region = handler, region
        self.positions = positions or Positions()
        self.iterators: dict[str, str] = {}
        self.retries: dict[str, int] = {}
        self._next_shard_check = 0.0

    def _resume(self, shard_id: str, sequence: str) -> None:
        tries = self.retries[sequence] = self.retries.get(sequence, 0) + 1
        position = "AT_SEQUENCE_NUMBER"
        if tries > self.MAX_RETRIES:
            log.error("stream record %s failed %d times: skipped", sequence, tries)
            position = "AFTER_SEQUENCE_NUMBER"
            del self.retries[sequence]
            self.positions.save(shard_id, sequence)
        self.iterators[shard_id] = self.client.get_shard_iterator(
            StreamArn=self.arn,
            ShardId=shard_id,
            ShardIteratorType=position,
            SequenceNumber=sequence,
        )["ShardIterator"]

    def _shards(self) -> list[dict]:
        shards, start = [], None
        while True:
            page = self.client.describe_stream(
                StreamArn=self.arn, **({"ExclusiveStartShardId": start} if start else {})
            )["StreamDescription"]
            shards += page["Shards"]
            start = page.get("LastEvaluatedShardId")
            if not start:
                return shards

    def _iterator(self, shard_id: str) -> str:
        after = self.positions.after(shard_id)
        where = {"ShardIteratorType": "TRIM_HORIZON"}
        if after:
            where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
        try:
            return self.client.get_shard_iterator(StreamArn=self.arn, ShardId=shard_id, **where)[
                "ShardIterator"
            ]
        except self.client.exceptions.TrimmedDataAccessException:
            log.warning(
                "shard %s: records after %s have expired; reading what is left", shard_id, after
            )
            return self.client.get_shard_iterator(
                StreamArn=self.arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]

    def _iterators(self) -> dict[str, str]:
        if time.monotonic() < self._next_shard_check:
            return self.iterators
        self._next_shard_check = time.monotonic() + 5  # new shards are rare
        shards = self._shards()
        present = {s["ShardId"] for s in shards}
        for shard in shards:
            shard_id, parent = shard["ShardId"], shard.get("ParentShardId")
            if shard_id in self.iterators or self.positions.is_finished(shard_id):
                continue
            if parent and parent in present and not self.positions.is_finished(parent):
                continue  # a shard's records follow its parent's: read the parent to its end
            self.iterators[shard_id] = self._iterator(shard_id)
        return self.iterators

    def step(self) -> bool:
        busy = False
        for shard_id, iterator in list(self._iterators().items()):
            page = self.client.get_records(ShardIterator=iterator, Limit=100)
            records = page["Records"]
            if records:
                busy = True
                if not self._hand_on(shard_id, records):
                    continue
            if page.get("NextShardIterator"):
                self.iterators[shard_id] = page["NextShardIterator"]
            else:  # the shard is closed and read to its end; its children come next
                del self.iterators[shard_id]
                self.positions.finish(shard_id)
                self._next_shard_check = 0.0
        return busy

    def _hand_on(self, shard_id: str, records: list[dict]) -> bool:
        """Give the records to the handler; False when it failed one (then, like Lambda,
        the position stays before that record and the next step retries from it)."""
        event = {"Records": [_stream_record(r, self.arn, self.region) for r in records]}
        failures = self.handler(event, None).get("batchItemFailures") or []
        if not failures:
            self.positions.save(shard_id, records[-1]["dynamodb"]["SequenceNumber"])
            return True
        failed = failures[0]["itemIdentifier"]
        done = [r["dynamodb"]["SequenceNumber"] for r in records]
        if failed in done and done.index(failed) > 0:
            self.positions.save(shard_id, done[done.index(failed) - 1])
        self._resume(shard_id, failed)
        self.stopping.wait(0.5)
        return False


def _sqs_record(message: dict, queue_arn: str, region: str) -> dict:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "dataType": value["DataType"],
                "stringListValues": [],
                "binaryListValues": [],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class QueuePump(_Pump):
    RETRY_AFTER_SECONDS = 2

    def __init__(
        self,
        sqs_client,
        queue_url: str,
        handler: Handler,
        region: str,
        name: str,
        retry_after: float | None = RETRY_AFTER_SECONDS,
        wait_seconds: int = 0,
        concurrency: int = 1,
    ):
        # Long polling (wait_seconds > 0) waits in the receive itself: no pause between.
        super().__init__(f"{name}-pump", 0.0 if wait_seconds else 0.1)
        self.client, self.url, self.handler, self.region = sqs_client, queue_url, handler, region
        self.wait_seconds = wait_seconds
        # A failed message comes back after this many seconds (AWS: the visibility timeout,
        # minutes; a laptop should not wait that long). None: as the handler left it.
        self.retry_after = retry_after
        self.arn = self.client.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        # Above 1: each message is handled on its own, up to this many at once, as Lambda
        # runs a function with batchSize 1 (webhooks out: a slow receiver holds up no other).
        self.concurrency = concurrency
        self._pool = ThreadPoolExecutor(concurrency, f"{name}-call") if concurrency > 1 else None
        self._running: set[Future] = set()

    def stop(self) -> None:
        super().stop()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def step(self) -> bool:
        if self._pool is None:
            messages = self._receive(10)
            if messages:
                self._handle(messages)
            return bool(messages)
        self._running = {f for f in self._running if not f.done()}
        free = min(10, self.concurrency - len(self._running))
        messages = self._receive(free) if free > 0 else []
        self._running |= {self._pool.submit(self._call, m) for m in messages}
        if not messages and self._running:  # busy, not idle: wait for one to finish
            wait(self._running, timeout=max(self.idle_wait, 0.1), return_when=FIRST_COMPLETED)
        return bool(messages or self._running)

    def _call(self, message: dict) -> None:
        try:
            self._handle([message])
        except Exception:  # the queue unreachable: the message comes back by itself
            log.exception("%s: message %s not settled", self.name, message["MessageId"])

    def _receive(self, count: int) -> list[dict]:
        return self.client.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=count,
            WaitTimeSeconds=self.wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])

    def _handle(self, messages: list[dict]) -> None:
        """One invocation: the handler's answer deletes what it did, and leaves the failed
        ones for their next try."""
        event = {"Records": [_sqs_record(m, self.arn, self.region) for m in messages]}
        try:
            failures = self.handler(event, None).get("batchItemFailures") or []
            failed = {f["itemIdentifier"] for f in failures}
        except Exception:
            log.exception("%s: every message in the batch failed", self.name)
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.client.delete_message_batch(
                QueueUrl=self.url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        for m in messages:
            if m["MessageId"] in failed and self.retry_after is not None:
                self.client.change_message_visibility(
                    QueueUrl=self.url,
                    ReceiptHandle=m["ReceiptHandle"],
                    VisibilityTimeout=int(self.retry_after),
                )


class Ticker(_Pump):
    """What the minute schedule does on AWS: run the scheduler's job, every few seconds here
    so a demo need not wait a minute."""

    def __init__(self, run: Callable[[], Any], every: float = 5.0):
        super().__init__("scheduler-ticker")
        self.run_job, self.every = run, every
        self._next = 0.0

    def step(self) -> bool:
        if time.monotonic() >= self._next:
            self._next = time.monotonic() + self.every
            self.run_job()
        return False
