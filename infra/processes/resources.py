"""`rtflow resources create`: the table, the queues and the buckets of infra/resources, made
with each service's own API (so any AWS-compatible endpoint will do, CloudFormation or not),
safe to run again, and the settings the other commands need, as KEY=VALUE lines."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from .buckets import bucket_name, make_bucket
from .queues import make_queue
from .table import make_table
from .template import Made, Resolver, outputs, resources, stack_name


@dataclass
class Created:
    settings: dict[str, str]
    differences: list[str] = field(default_factory=list)


def setting_name(output: str) -> str | None:
    """The RTFLOW_* setting an output of infra/resources fills; None for the ARNs."""
    if output == "TicketsTableName":
        return "RTFLOW_TABLE_NAME"
    for pattern, suffix in ((r"(\w+)QueueUrl", "QUEUE_URL"), (r"(\w+)BucketName", "BUCKET")):
        if m := re.fullmatch(pattern, output):
            words = re.sub(r"(?<!^)(?=[A-Z])", "_", m.group(1)).upper()
            return f"RTFLOW_{words}_{suffix}"
    return None


class _Maker:
    def __init__(self, clients: dict[str, Any], stage: str, region: str, account: str):
        self.clients, self.region, self.account = clients, region, account
        self.stack = stack_name(stage)
        self.template = resources()
        self.made: dict[str, Made] = {}
        self.differences: list[str] = []
        self.resolve = Resolver(self.stack, region, account, self.make)

    def make(self, logical_id: str) -> Made:
        if logical_id not in self.made:
            resource = self.template[logical_id]
            props = self.resolve(resource.get("Properties", {}))  # makes what it names first
            made, differences = self._make(logical_id, resource["Type"], props)
            self.made[logical_id] = made
            self.differences += differences
        return self.made[logical_id]

    def _make(self, logical_id: str, kind: str, props: dict) -> tuple[Made, list[str]]:
        if kind == "AWS::DynamoDB::Table":
            return make_table(self.clients["dynamodb"], props)
        if kind == "AWS::SQS::Queue":
            return make_queue(self.clients["sqs"], props)
        if kind == "AWS::S3::Bucket":
            name = bucket_name(self.stack, logical_id, self.account)
            return make_bucket(self.clients["s3"], name, props, self.region)
        raise ValueError(f"{logical_id}: cannot make a {kind}")


def create(clients: dict[str, Any], stage: str, region: str) -> Created:
    """Make every resource (or find it there), and say which settings point at them."""
    account = clients["sts"].get_caller_identity()["Account"]
    maker = _Maker(clients, stage, region, account)
    for logical_id in maker.template:
        maker.make(logical_id)
    settings = {"RTFLOW_BACKEND": "aws", "AWS_REGION": region}
    if os.environ.get("AWS_ENDPOINT_URL"):
        settings["AWS_ENDPOINT_URL"] = os.environ["AWS_ENDPOINT_URL"]
    for output, body in outputs().items():
        name = setting_name(output)
        if name:
            settings[name] = maker.resolve(body["Value"])
    # Signs status links and sessions: kept when already set, so running this again and
    # rewriting the env file does not sign everybody out.
    settings["RTFLOW_SECRET_KEY"] = os.environ.get("RTFLOW_SECRET_KEY") or secrets.token_urlsafe(48)
    return Created(settings, maker.differences)
