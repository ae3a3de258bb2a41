"""Before a process serves: the settings point at resources that are there. A missing table or
queue is named in one line with the command that makes it, not found by a worker's traceback."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from .faults import Unusable, in_words, where

MAKE_THEM = "run `rtflow resources create` and use the settings it prints"
# The queues each process needs: (setting, required).
QUEUES = {
    "web": (),
    "workers": ("notify_queue_url", "triage_queue_url", "inbound_queue_url", "webhooks_queue_url"),
    "scheduler": (),
}
_REQUIRED = {"notify_queue_url", "triage_queue_url"}


def check_backend(settings: Any) -> None:
    if settings.backend != "aws":
        raise Unusable(
            "rtflow serve runs against DynamoDB and SQS: set RTFLOW_BACKEND=aws and the other"
            f" settings ({MAKE_THEM}); for one machine, `rtflow run` is the whole product"
        )


def table_stream(ddb, table: str) -> str:
    """The table's stream ARN; Unusable when the table or its stream is not there."""
    with in_words(f"reading table {table}"):
        try:
            described = ddb.describe_table(TableName=table)["Table"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            raise Unusable(f"table {table} does not exist at {where()}: {MAKE_THEM}") from None
    stream = described.get("LatestStreamArn")
    if not stream or not described.get("StreamSpecification", {}).get("StreamEnabled"):
        raise Unusable(f"table {table} has no stream: {MAKE_THEM}")
    return str(stream)


def queue_arns(sqs, settings: Any, process: str) -> dict[str, str]:
    """Each configured queue's ARN by its setting; Unusable when one is missing."""
    arns = {}
    for setting in QUEUES[process]:
        url = getattr(settings, setting)
        variable = f"RTFLOW_{setting.upper()}"
        if not url:
            if setting in _REQUIRED:
                raise Unusable(f"{variable} is not set: {MAKE_THEM}")
            continue
        with in_words(f"reading queue {url}"):
            try:
                attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            except ClientError as e:
                if "NonExistentQueue" not in e.response["Error"]["Code"]:
                    raise
                raise Unusable(f"{variable}: queue {url} does not exist: {MAKE_THEM}") from None
        arns[setting] = attributes["Attributes"]["QueueArn"]
    return arns
