"""The relay's place in the stream: kept in a file across restarts, and shards read in order
(a parent to its end before its children), as Lambda reads a DynamoDB stream."""

from __future__ import annotations

import json

from infra.local.pumps import StreamPump
from infra.processes.positions import FilePositions

ARN = "arn:aws:dynamodb:eu-west-1:1:table/t/stream/1"


def _record(sequence: str) -> dict:
    return {"eventName": "INSERT", "dynamodb": {"SequenceNumber": sequence, "NewImage": {}}}


class FakeStreams:
    """A stream of two shards: `parent` (closed, two records) and its child (one record)."""

    class exceptions:  # noqa: N801 - boto3's shape
        class TrimmedDataAccessException(Exception):
            pass

    def __init__(self):
        self.shards = {
            "parent": [_record("1"), _record("2")],
            "child": [_record("3")],
        }
        self.closed = {"parent"}
        self.iterator_requests: list[tuple[str, str, str | None]] = []

    def describe_stream(self, StreamArn, **_):
        return {
            "StreamDescription": {
                "Shards": [
                    {"ShardId": "child", "ParentShardId": "parent"},
                    {"ShardId": "parent"},
                ]
            }
        }

    def get_shard_iterator(self, StreamArn, ShardId, ShardIteratorType, SequenceNumber=None):
        self.iterator_requests.append((ShardId, ShardIteratorType, SequenceNumber))
        records = self.shards[ShardId]
        sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
        start = {
            "TRIM_HORIZON": 0,
            "AT_SEQUENCE_NUMBER": lambda: sequences.index(SequenceNumber),
            "AFTER_SEQUENCE_NUMBER": lambda: sequences.index(SequenceNumber) + 1,
        }[ShardIteratorType]
        start = start() if callable(start) else start
        return {"ShardIterator": json.dumps([ShardId, start])}

    def get_records(self, ShardIterator, Limit):
        shard, start = json.loads(ShardIterator)
        records = self.shards[shard][start:]
        end = len(self.shards[shard])
        page = {"Records": records}
        if shard not in self.closed or records:
            page["NextShardIterator"] = json.dumps([shard, end])
        return page


def _pump(streams, positions, seen):
    def handler(event, _context):
        seen.extend(r["dynamodb"]["SequenceNumber"] for r in event["Records"])
        return {"batchItemFailures": []}

    return StreamPump(streams, ARN, handler, "eu-west-1", positions)


def _drain(pump, steps=5):
    for _ in range(steps):
        pump._next_shard_check = 0.0
        pump.step()


def test_a_parent_shard_is_read_to_its_end_before_its_child(tmp_path):
    seen: list[str] = []
    positions = FilePositions(tmp_path / "p.json", ARN)
    _drain(_pump(FakeStreams(), positions, seen))
    assert seen == ["1", "2", "3"]
    kept = json.loads((tmp_path / "p.json").read_text())
    assert kept["finished"] == ["parent"]
    assert kept["sequences"] == {"child": "3"}


def test_a_restarted_relay_goes_on_after_its_last_record(tmp_path):
    streams = FakeStreams()
    _drain(_pump(streams, FilePositions(tmp_path / "p.json", ARN), []))
    streams.shards["child"].append(_record("4"))

    seen: list[str] = []
    again = FakeStreams()
    again.shards = streams.shards
    _drain(_pump(again, FilePositions(tmp_path / "p.json", ARN), seen))
    assert seen == ["4"]
    assert ("child", "AFTER_SEQUENCE_NUMBER", "3") in again.iterator_requests
    assert all(shard != "parent" for shard, _, _ in again.iterator_requests)


def test_positions_of_another_stream_are_not_used(tmp_path):
    path = tmp_path / "p.json"
    FilePositions(path, "arn:old").save("child", "3")
    positions = FilePositions(path, ARN)
    assert positions.after("child") is None


def test_a_failed_record_is_retried_and_the_place_stays_before_it(tmp_path):
    streams = FakeStreams()
    streams.closed = set()
    streams.shards = {"parent": [_record("1"), _record("2")], "child": []}
    calls: list[list[str]] = []

    def handler(event, _context):
        sequences = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        calls.append(sequences)
        failed = "2" if len(calls) == 1 else None
        return {"batchItemFailures": [{"itemIdentifier": failed}] if failed else []}

    positions = FilePositions(tmp_path / "p.json", ARN)
    pump = StreamPump(streams, ARN, handler, "eu-west-1", positions)
    pump.stopping.set()  # no pause after the failure
    pump._next_shard_check = 0.0
    pump.step()
    assert positions.after("parent") == "1"
    pump.step()
    assert calls == [["1", "2"], ["2"]]
    assert positions.after("parent") == "2"
