"""The embedded stack's emulator streams only committed writes, a cancelled transaction leaves
nothing behind and does not cut the stream's readers off (moto alone gets the stream wrong),
and a transaction costs what it touches, not the whole table (moto copies the table)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError


def test_a_cancelled_transaction_neither_streams_nor_stops_the_stream(aws):
    table = aws["TicketsTableName"]
    ddb, streams = boto3.client("dynamodb"), boto3.client("dynamodbstreams")
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]

    ddb.put_item(TableName=table, Item={"pk": {"S": "X"}, "sk": {"S": "taken"}})
    with pytest.raises(ClientError, match="TransactionCanceled"):
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": "X"}, "sk": {"S": "rolled-back"}},
                    }
                },
                {"Put": {"TableName": table, "Item": {"pk": {"S": "NEW"}, "sk": {"S": "1"}}}},
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": "X"}, "sk": {"S": "taken"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    # Nothing of it stays, in the partition it shared with the failed item or in a new one.
    for pk, sk in (("X", "rolled-back"), ("NEW", "1")):
        assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "X"}, "sk": {"S": "after"}})

    page = streams.get_records(ShardIterator=iterator)
    keys = [r["dynamodb"]["Keys"]["sk"]["S"] for r in page["Records"]]
    assert keys == ["taken", "after"]


def test_the_stream_pump_retries_a_failed_record_then_skips_it_like_lambda(aws):
    from infra.local.pumps import StreamPump

    table = aws["TicketsTableName"]
    ddb = boto3.client("dynamodb")
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    for sk in ("a", "poison", "b"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "P"}, "sk": {"S": sk}})
    seen: list[str] = []
    attempts = []

    def handler(event, context):
        for record in event["Records"]:
            sk = record["dynamodb"]["Keys"]["sk"]["S"]
            if sk == "poison":
                attempts.append(sk)
                return {
                    "batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]
                }
            seen.append(sk)
        return {"batchItemFailures": []}

    pump = StreamPump(boto3.client("dynamodbstreams"), arn, handler, "us-east-1")
    pump.stopping.set()  # no waiting between retries in the test
    for _ in range(StreamPump.MAX_RETRIES + 3):
        pump.step()
    # Lambda checkpoints before the failed record: what came before is not redelivered; the
    # failed one is retried, then skipped (on AWS: to the relay's failure queue).
    assert len(attempts) == StreamPump.MAX_RETRIES + 1
    assert seen == ["a", "b"]


def test_a_transaction_copies_only_the_partitions_it_touches(aws, monkeypatch):
    import copy

    from moto.dynamodb.models.table import Table

    table = aws["TicketsTableName"]
    ddb = boto3.client("dynamodb")
    for n in range(50):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"P{n}"}, "sk": {"S": "x"}})
    copied: list[type] = []  # what was really copied, at the top of each deepcopy
    deepcopy, depth = copy.deepcopy, [0]

    def counting(obj, memo=None):
        depth[0] += 1
        try:
            result = deepcopy(obj, memo)
        finally:
            depth[0] -= 1
        if depth[0] == 0 and result is not obj:
            copied.append(type(obj))
        return result

    monkeypatch.setattr(copy, "deepcopy", counting)
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "P1"}, "sk": {"S": "y"}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": "P2"}, "sk": {"S": "y"}}}},
        ]
    )
    # Two partitions backed up (a dict of items each); the table itself is never copied.
    assert Table not in copied
    assert copied == [dict, dict]
