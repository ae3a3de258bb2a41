"""The SQS queues of infra/resources (dead-letter queues first: a redrive policy names one),
made with SQS's own API, or compared with the ones already there."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from .template import Made

_ATTRIBUTES = ("VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy")


def _attributes(props: dict[str, Any]) -> dict[str, str]:
    unknown = set(props) - {"QueueName", *_ATTRIBUTES}
    if unknown:
        raise ValueError(f"queue {props.get('QueueName')}: cannot make {sorted(unknown)}")
    out = {}
    for name in _ATTRIBUTES:
        if name in props:
            value = props[name]
            out[name] = json.dumps(value) if isinstance(value, dict) else str(value)
    return out


def _same(name: str, there: str | None, wanted: str) -> bool:
    if name == "RedrivePolicy" and there is not None:
        a, b = json.loads(there), json.loads(wanted)
        return (a["deadLetterTargetArn"], int(a["maxReceiveCount"])) == (
            b["deadLetterTargetArn"],
            int(b["maxReceiveCount"]),
        )
    return there == wanted


def make_queue(sqs, props: dict[str, Any]) -> tuple[Made, list[str]]:
    name = props["QueueName"]
    wanted = _attributes(props)
    found: list[str] = []
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as e:
        if e.response["Error"]["Code"] not in (
            "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist",
        ):
            raise
        url = sqs.create_queue(QueueName=name, Attributes=wanted)["QueueUrl"]
    there = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    for attribute, value in wanted.items():
        if not _same(attribute, there.get(attribute), value):
            found.append(f"queue {name}: {attribute} is {there.get(attribute)}, not {value}")
    return Made(url, {"Arn": there["QueueArn"]}), found
