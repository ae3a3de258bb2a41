"""The notify queue may deliver an event more than once; the requester hears of it once."""

from __future__ import annotations

import json
import time
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from .support import (
    AFTER_FILING,
    TEAM_LIST,
    eventually,
    history_kinds,
    is_acknowledgement,
    tag,
    ticket_body,
    unique,
    wait_until_acknowledged,
)

pytestmark = pytest.mark.e2e

QUEUE_COUNTS = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)


@pytest.fixture(scope="module")
def aws(stack_info):
    def client(service: str):
        return boto3.client(
            service,
            endpoint_url=stack_info["endpoint_url"],
            region_name=stack_info["region"],
            aws_access_key_id="e2e",
            aws_secret_access_key="e2e",  # noqa: S106 - the emulator takes any key
        )

    return client


def queue_depth(sqs, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(QUEUE_COUNTS))
    return sum(int(attributes["Attributes"].get(name, 0)) for name in QUEUE_COUNTS)


def dead_letter_queue_url(sqs, url: str) -> str:
    policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])
    arn = json.loads(policy["Attributes"]["RedrivePolicy"])["deadLetterTargetArn"]
    return sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]


def ticket_items(dynamodb, table: str, number: int, prefix: str) -> list[dict]:
    return dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues={":pk": {"S": f"TICKET#{number}"}, ":prefix": {"S": prefix}},
        ConsistentRead=True,
    )["Items"]


def relay_message(item: dict) -> dict:
    """What the relay puts on the notify queue for this event item (Event.to_message)."""
    # The table keeps pynamodb's UTC format (…+0000); the relay sends datetime.isoformat().
    at = datetime.fromisoformat(item["at"]["S"])
    assert at.utcoffset() is not None and at.utcoffset().total_seconds() == 0
    return {
        "id": item["id"]["S"],
        "ticket": int(item["ticket"]["N"]),
        "kind": item["kind"]["S"],
        "at": at.isoformat(),
        "actor": item["actor"]["S"],
        "public": item["public"]["BOOL"],
        "data": json.loads(item["data"]["S"]),
    }


def test_a_filed_event_delivered_twice_sends_no_second_mail_and_no_second_acknowledgement(
    stack, stack_info, aws, mail, wait_for_mail
):
    outputs = stack_info["outputs"]
    table, queue = outputs["TicketsTableName"], outputs["NotifyQueueUrl"]
    dynamodb, sqs = aws("dynamodb"), aws("sqs")
    body = ticket_body(unique())
    requester = body["requester"]["email"]
    r = requests.post(f"{stack}/api/v1/tickets", json=body, timeout=10)
    assert r.status_code == 201, r.text
    number = r.json()["id"]
    token = parse_qs(urlsplit(r.json()["status_url"]).query)["token"][0]
    # The first delivery has done everything it does.
    wait_for_mail(lambda m: tag(number) in m["subject"], count=2)
    wait_until_acknowledged(stack, number, token)
    kinds_before = history_kinds(stack, number, token)

    events = ticket_items(dynamodb, table, number, "EVENT#")
    filed = [e for e in events if e["kind"]["S"] == "ticket.filed"]
    assert len(filed) == 1, events
    message = relay_message(filed[0])
    assert message["ticket"] == number
    # The first delivery's ledger is keyed on this very event id: the copy is a true duplicate.
    ledger = ticket_items(dynamodb, table, number, f"MAIL#{message['id']}#")
    assert len(ledger) == 2, ledger
    dead_letters = dead_letter_queue_url(sqs, queue)
    dead_before = queue_depth(sqs, dead_letters)

    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(message))

    eventually(
        lambda: queue_depth(sqs, queue) == 0,
        timeout=20,
        what="the notify queue to drain",
    )
    time.sleep(1.0)  # grace: a mail sent just as the message was deleted shows up by now
    assert queue_depth(sqs, dead_letters) == dead_before, (
        "the redelivered event failed in notify and went to the dead-letter queue"
    )
    mine = [m for m in mail() if tag(number) in m["subject"] and is_acknowledgement(m)]
    assert [m["to"] for m in mine if m["to"] == [requester]] == [[requester]]
    assert [m["to"] for m in mine if m["to"] == [TEAM_LIST]] == [[TEAM_LIST]]
    assert len(mine) == 2
    kinds = history_kinds(stack, number, token)
    assert kinds == kinds_before, kinds  # the redelivery changed nothing
    assert kinds.count("ticket.filed") == 1, kinds
    assert len(ticket_items(dynamodb, table, number, f"MAIL#{message['id']}#")) == 2
    status = requests.get(f"{stack}/api/v1/tickets/{number}", params={"token": token}, timeout=10)
    assert status.json()["status"] in AFTER_FILING
