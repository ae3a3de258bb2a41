"""Fixtures shared by every layer of the suite."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest

from services.adapters.flow_file import load_flow
from services.adapters.settings import PROJECT_ROOT
from tests import dynamodb_rules, process_caches
from tests.fakes import FixedClock

EXAMPLE_FLOW = PROJECT_ROOT / "infra" / "flow.example.yaml"

# The suite's containers are on DynamoDB (moto) or fakes unless a test asks for the SQLite
# home; without this, Settings() would open a data directory where the suite runs.
os.environ.setdefault("RTFLOW_BACKEND", "aws")


process_caches.install()
dynamodb_rules.install()


@pytest.fixture(scope="session")
def flow():
    return load_flow(EXAMPLE_FLOW)


@pytest.fixture
def clock():
    return FixedClock()


def valid_ticket(**overrides) -> dict:
    """A complete general request, as a client would send it."""
    today = date(2026, 11, 27)
    data = {
        "type": "general",
        "title": "Grant the analytics team a read replica",
        "requirements": "A MySQL read replica of the wiki database for analytics queries.",
        "end_state": "Analysts run their queries on the replica, not on production.",
        "acceptance_criteria": ["The replica lags less than 60 s", "Analysts can log in"],
        "drop_dead_date": (today + timedelta(days=30)).isoformat(),
        "nice_to_have_date": (today + timedelta(days=14)).isoformat(),
        "capacity_needs": "500 GB, 200 queries/s",
        "security_needs": "Read-only accounts for the analytics group",
        "dependencies": ["Storage order #12"],
        "requester": {"name": "Ana Souza", "email": "ana@example.org"},
        "private": False,
    }
    data.update(overrides)
    return data


@pytest.fixture(scope="session")
def emulator():
    """The embedded stack's AWS emulator (moto's server, in this process), for the session."""
    from infra.local.emulator import Emulator

    process_caches.read_json_templates_as_json()
    emulator = Emulator()
    emulator.start()
    yield emulator
    emulator.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "shared_stack: the test reads only what it wrote, so it runs on the session's stack "
        "instead of a stack of its own",
    )


def aws_environment(emulator) -> dict[str, str]:
    """What boto3 and pynamodb read to reach the emulator."""
    return {
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }


def create_stack(name: str) -> dict[str, str]:
    """A copy of the resources of infra/resources, created by CloudFormation in the emulator
    as the embedded stack creates them; the stack's outputs."""
    import boto3

    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName=name, TemplateBody=process_caches.stack_template())
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


@pytest.fixture(scope="session")
def session_aws(emulator):
    """One stack for the session (for each xdist worker): the `shared_stack` tests'."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in aws_environment(emulator).items():
            mp.setenv(name, value)
        yield create_stack("session")


def _table_exists(name: str) -> bool:
    import boto3

    try:
        boto3.client("dynamodb").describe_table(TableName=name)
    except boto3.client("dynamodb").exceptions.ResourceNotFoundException:
        return False
    return True


@pytest.fixture
def aws(emulator, monkeypatch, request):
    """The stack's outputs: a fresh stack of the test's own, or the session's for a test
    marked `shared_stack` (its tables and queues hold other tests' items too)."""
    import re

    import boto3

    for name, value in aws_environment(emulator).items():
        monkeypatch.setenv(name, value)
    if request.node.get_closest_marker("shared_stack"):
        outputs = request.getfixturevalue("session_aws")
        if not _table_exists(outputs["TicketsTableName"]):
            # moto's mock_aws (the deployment tests) resets every backend of this process,
            # the emulator's too: the session's stack is made again, under the same names.
            outputs.update(create_stack("session"))
        yield outputs
        return
    name = "t-" + re.sub(r"[^a-zA-Z0-9-]", "-", request.node.name)[:60].strip("-")
    yield create_stack(name)
    boto3.client("cloudformation").delete_stack(StackName=name)


@pytest.fixture
def container(aws, flow, clock):
    """The real adapters on moto, with the example flow and a fixed clock."""
    from services.adapters.bootstrap import build
    from services.adapters.settings import Settings

    settings = Settings(
        table_name=aws["TicketsTableName"],
        notify_queue_url=aws["NotifyQueueUrl"],
        secret_key="test-secret-" * 4,
        base_url="http://rt.example.org",
    )
    return build(settings, flow=flow, clock=clock)
