"""The package's CloudFormation deploys into moto: the table with its indexes and stream, the
queues with their redrive, the functions with their triggers, and settings built from a
deployed function's environment."""

from __future__ import annotations

import json
import os
import re
import secrets
import warnings
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from tests.integration.serverless.package_helpers import (
    FUNCTIONS,
    INDEXES,
    MOTO_UNSUPPORTED,
    REGION,
    STACK,
)

# Packages with Node's serverless (osls) and lints with cfn-lint: real processes.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack(package_dir: Path, template: dict):
    """The package deployed into moto the way `osls deploy` does it."""
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith(("AWS_", "RTFLOW_"))]:
            mp.delenv(key)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        mp.setenv("AWS_REGION", REGION)
        with mock_aws():
            cfn = boto3.client("cloudformation")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                created, updated = _deploy(cfn, package_dir, template)
            skipped = {
                m.group(1)
                for w in caught
                if (m := re.match(r"Tried to parse (\S+) but it's not supported", str(w.message)))
            }
            yield {
                "created": created,
                "updated": updated,
                "skipped": skipped,
                "lambda": boto3.client("lambda"),
                "dynamodb": boto3.client("dynamodb"),
                "sqs": boto3.client("sqs"),
            }


def _deploy(cfn, package_dir: Path, template: dict) -> tuple[str, dict]:
    create = package_dir / "cloudformation-template-create-stack.json"
    cfn.create_stack(StackName=STACK, TemplateBody=create.read_text())
    created = cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"]
    bucket = cfn.describe_stack_resource(
        StackName=STACK, LogicalResourceId="ServerlessDeploymentBucket"
    )["StackResourceDetail"]["PhysicalResourceId"]

    s3 = boto3.client("s3")
    keys = set()
    for res in template["Resources"].values():
        props = res.get("Properties", {})
        location = props.get("Code") or props.get("Content") or {}
        if location.get("S3Bucket") == {"Ref": "ServerlessDeploymentBucket"}:
            keys.add(location["S3Key"])
    assert keys, "no artifact in the template"
    for key in keys:
        s3.upload_file(str(package_dir / key.rsplit("/", 1)[1]), bucket, key)

    cfn.update_stack(
        StackName=STACK,
        TemplateBody=json.dumps(template),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    )
    return created, cfn.describe_stacks(StackName=STACK)["Stacks"][0]


# --- the deployment -------------------------------------------------------------------------


def test_stack_deploys(stack):
    assert stack["created"] == "CREATE_COMPLETE"
    assert stack["updated"]["StackStatus"] == "UPDATE_COMPLETE", stack["updated"].get(
        "StackStatusReason"
    )
    assert stack["skipped"] <= MOTO_UNSUPPORTED, "moto skipped resources no test checks"


def test_table_has_its_indexes_and_stream(stack):
    table = stack["dynamodb"].describe_table(TableName=f"{STACK}-tickets")["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == INDEXES
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_queues_and_redrive(stack):
    sqs = stack["sqs"]

    def attrs(name: str) -> dict:
        url = sqs.get_queue_url(QueueName=f"{STACK}-{name}")["QueueUrl"]
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    for name in ("triage", "notify"):
        queue, dlq = attrs(name), attrs(f"{name}-dlq")
        redrive = json.loads(queue["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
        assert int(redrive["maxReceiveCount"]) == 5
        assert int(queue["VisibilityTimeout"]) == 180
    attrs("relay-failures")  # exists


def test_functions_and_triggers(stack, functions):
    lam = stack["lambda"]
    assert set(functions) == FUNCTIONS
    arns = {}
    for name, props in functions.items():
        config = lam.get_function(FunctionName=f"{STACK}-{name}")["Configuration"]
        assert config["Runtime"] == "python3.12"
        assert config["Handler"] == props["Handler"]
        assert config["Architectures"] == ["x86_64"]
        arns[name] = config["FunctionArn"]
    # moto names the layer itself and drops it from the functions; the template test checks
    # that every function references it.
    layers = lam.list_layers(CompatibleRuntime="python3.12")["Layers"]
    assert len(layers) == 1

    # list_event_source_mappings(FunctionName=...) finds nothing in moto: filter here.
    mappings = {}
    for m in lam.list_event_source_mappings()["EventSourceMappings"]:
        mappings.setdefault(m["FunctionArn"], []).append(m)
    assert arns["web"] not in mappings
    assert arns["scheduler"] not in mappings

    stream_arn = stack["dynamodb"].describe_table(TableName=f"{STACK}-tickets")["Table"][
        "LatestStreamArn"
    ]
    (relay,) = mappings[arns["relay"]]
    assert relay["EventSourceArn"] == stream_arn
    assert relay["BatchSize"] == 100
    assert relay["StartingPosition"] == "LATEST"
    assert relay["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert relay["BisectBatchOnFunctionError"] is True
    assert relay["MaximumRetryAttempts"] == 10
    patterns = [json.loads(f["Pattern"]) for f in relay["FilterCriteria"]["Filters"]]
    assert patterns == [
        {"eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "EVENT#"}]}}}},
        {"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "INBOX#"}]}}}},
    ]
    assert relay["DestinationConfig"]["OnFailure"]["Destination"].endswith(
        f":{STACK}-relay-failures"
    )

    assert arns["mail"] not in mappings  # SES invokes it
    # One event per webhooks invocation: each subscription may take its whole 5 s timeout.
    for name, batch in (("triage", 10), ("notify", 10), ("inbound", 10), ("webhooks", 1)):
        (mapping,) = mappings[arns[name]]
        assert mapping["EventSourceArn"].endswith(f":{STACK}-{name}")
        assert mapping["BatchSize"] == batch
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_deployed_environment_builds_settings(stack, functions, resources, monkeypatch):
    """Settings() validates from each function's environment as deployed (the secret, which
    moto cannot resolve, replaced by a value shaped like the generated one)."""
    from services.adapters.settings import Settings

    length = resources["AppSecretKey"]["Properties"]["GenerateSecretString"]["PasswordLength"]
    queue_url = stack["sqs"].get_queue_url(QueueName=f"{STACK}-notify")["QueueUrl"]
    triage_url = stack["sqs"].get_queue_url(QueueName=f"{STACK}-triage")["QueueUrl"]
    for name in functions:
        env = stack["lambda"].get_function_configuration(FunctionName=f"{STACK}-{name}")[
            "Environment"
        ]["Variables"]
        assert env["RTFLOW_SECRET_KEY"].startswith("{{resolve:secretsmanager:")
        env["RTFLOW_SECRET_KEY"] = secrets.token_hex(length // 2)
        with monkeypatch.context() as mp:
            for key, value in env.items():
                mp.setenv(key, value)
            settings = Settings()
        assert settings.table_name == f"{STACK}-tickets"
        assert settings.notify_queue_url == queue_url
        assert settings.triage_queue_url == triage_url
        assert settings.mail_transport == "ses"
