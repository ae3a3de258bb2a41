"""The embedded stack's emulator streams only committed writes, and a cancelled transaction
does not cut the stream's readers off (moto alone does both wrong)."""

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
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": "X"}, "sk": {"S": "taken"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    ddb.put_item(TableName=table, Item={"pk": {"S": "X"}, "sk": {"S": "after"}})

    page = streams.get_records(ShardIterator=iterator)
    keys = [r["dynamodb"]["Keys"]["sk"]["S"] for r in page["Records"]]
    assert keys == ["taken", "after"]
