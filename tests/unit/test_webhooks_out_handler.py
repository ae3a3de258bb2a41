"""Webhooks out on the queue: the handler's back-off, partial answers and last try, and what
the logic and the handler import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from services.application import webhooks_out
from services.application.webhooks_out import DEAD_LETTERED
from services.domain.events import Event
from services.notify import webhook_handler
from tests.unit.webhook_builders import HOOKS, ROOT, FakePoster, deps, filed, sub

# -- the queue handler ---------------------------------------------------------------------


def test_backoff_doubles_from_the_base_up_to_fifteen_minutes():
    assert [webhooks_out.backoff_seconds(n, 30) for n in range(1, 9)] == [
        30, 60, 120, 240, 480, 900, 900, 900,
    ]  # fmt: skip
    assert webhooks_out.backoff_seconds(1, 1) == 1


def test_the_handlers_last_try_is_the_queues_max_receive_count():
    text = (ROOT / "infra/resources/queues.yml").read_text()
    queues = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    policy = queues["Resources"]["WebhooksQueue"]["Properties"]["RedrivePolicy"]
    assert policy["maxReceiveCount"] == webhooks_out.MAX_RECEIVES


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Sub, !GetAtt, ...), read as plain values."""


def _cfn_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_CfnLoader.add_multi_constructor("!", _cfn_tag)


class FakeSqs:
    def __init__(self):
        self.visibility: list[tuple[str, int]] = []

    def change_message_visibility(self, QueueUrl, ReceiptHandle, VisibilityTimeout):  # noqa: N803
        self.visibility.append((ReceiptHandle, VisibilityTimeout))


def sqs_record(event: Event, receives: int, n: int = 0) -> dict:
    return {
        "messageId": f"m{n}",
        "receiptHandle": f"rh{n}",
        "body": json.dumps(event.to_message()),
        "attributes": {"ApproximateReceiveCount": str(receives)},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:t-webhooks",
        "awsRegion": "us-east-1",
    }


@pytest.fixture
def handler_world(tickets, flow, clock, monkeypatch):
    """The handler over fakes: its container and deps are replaced."""

    class Settings:
        webhooks_queue_url = "http://sqs/t-webhooks"
        webhook_backoff_seconds = 30

    world_deps = deps(
        tickets, flow, clock, sub("ops", HOOKS), poster=FakePoster({HOOKS: [500, 500, 200]})
    )

    class Container:
        settings = Settings()
        sqs = FakeSqs()
        flow = world_deps.flow

        @property
        def webhook_deps(self):
            return world["deps"]

    world = {"container": Container(), "deps": world_deps}
    monkeypatch.setattr("services.adapters.bootstrap.container", lambda: world["container"])
    return world


def test_a_failed_message_is_delayed_with_backoff_and_reported(handler_world, tickets, flow, clock):
    ok = filed(tickets, flow, clock, private=True)  # nobody wants it: done
    failing = filed(tickets, flow, clock)
    answer = webhook_handler.handler(
        {"Records": [sqs_record(ok, 1, 0), sqs_record(failing, 3, 1)]}, None
    )
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert handler_world["container"].sqs.visibility == [("rh1", 120)]


def test_every_message_failing_is_still_a_partial_answer(handler_world, tickets, flow, clock):
    failing = filed(tickets, flow, clock)
    answer = webhook_handler.handler({"Records": [sqs_record(failing, 1)]}, None)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert handler_world["container"].sqs.visibility == [("rh0", 30)]


def test_the_last_receive_sets_no_delay_and_logs_dead_lettered(handler_world, tickets, flow, clock):
    failing = filed(tickets, flow, clock)
    answer = webhook_handler.handler({"Records": [sqs_record(failing, 8)]}, None)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert handler_world["container"].sqs.visibility == []
    [row] = handler_world["deps"].log.for_ticket(failing.ticket)
    assert row.state == DEAD_LETTERED


def test_with_no_subscription_the_handler_builds_nothing(handler_world, tickets, flow, clock):
    handler_world["container"].flow = flow  # the example flow: no subscriptions
    handler_world["deps"] = None  # building them would fail the test
    event = filed(tickets, flow, clock)
    assert webhook_handler.handler({"Records": [sqs_record(event, 1)]}, None) == {
        "batchItemFailures": []
    }


# -- the dependency rule -------------------------------------------------------------------


def _imported_after(module: str, names: tuple[str, ...]) -> list[str]:
    code = f"import sys, {module}\nprint(' '.join(m for m in {names!r} if m in sys.modules))\n"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


@pytest.mark.slow  # a fresh interpreter
def test_the_logic_imports_no_aws_http_or_web_library():
    names = ("boto3", "botocore", "pynamodb", "urllib3", "flask", "services.adapters")
    assert _imported_after("services.application.webhooks_out", names) == []


@pytest.mark.slow  # a fresh interpreter
def test_importing_the_handler_builds_nothing_and_needs_no_web_framework():
    # Clients are built on the first message, and no AWS library comes before it.
    names = ("boto3", "botocore", "pynamodb", "urllib3", "flask", "services.adapters")
    names += ("services.intake",)
    assert _imported_after("services.notify.webhook_handler", names) == []
