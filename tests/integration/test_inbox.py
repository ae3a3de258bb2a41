"""The inbox on the real table: a delivery is recorded once, applied once (its receipt is in
the change's transaction), and one tool thread links to one ticket, whatever the races."""

from __future__ import annotations

import threading

import boto3
import pytest

from infra.local.cfn import load_template
from services.application.inbound import InboundDeps, apply
from services.domain.errors import StaleVersion
from services.domain.flow import FlowConfig
from services.domain.inbound import Inbound

THREAD = "github:octo/ops#7"


@pytest.fixture
def deps(container, flow):
    data = flow.model_dump(mode="json")
    data["hooks"] = {"github": {"ticket_type": "issue"}}
    hook_flow = FlowConfig.model_validate(data)
    return InboundDeps(
        tickets=container.tickets,
        inbox=container.inbox,
        flow=hook_flow,
        clock=container.clock,
        secret_key=container.settings.secret_key,
    )


def opened(delivery: str) -> Inbound:
    return Inbound(
        source="github",
        delivery=delivery,
        action="open",
        thread=THREAD,
        author="octocat",
        draft={
            "type": "general",
            "title": "Spelling error in the README file",
            "requirements": "It looks like you accidentally spelled 'commit' with two 't's.",
            "requester": {"name": "GitHub (via hook)", "email": "techops@example.org"},
        },
    )


def comment(delivery: str) -> Inbound:
    return Inbound(
        source="github", delivery=delivery, action="comment", thread=THREAD, message="news?"
    )


def test_a_delivery_is_recorded_once(container):
    assert container.inbox.record(opened("d1")) is True
    assert container.inbox.record(opened("d1")) is False
    assert container.inbox.record(opened("d2")) is True


def test_recorded_items_expire_and_say_what_became_of_them(container, deps, aws):
    message = opened("d1")
    container.inbox.record(message)
    assert container.inbox.outcome(message) is None  # waiting for the inbound queue
    assert apply(message, deps) == "filed #1"
    assert container.inbox.outcome(message) == "applied"
    table = boto3.resource("dynamodb").Table(aws["TicketsTableName"])
    item = table.get_item(Key={"pk": "INBOX#github#d1", "sk": "META"})["Item"]
    assert item["ticket"] == 1
    received = container.clock.now().timestamp()
    assert int(item["expires_at"]) == int(received) + 90 * 86400
    # moto's CloudFormation does not apply it: the template is what AWS reads.
    table_spec = load_template()["Resources"]["TicketsTable"]["Properties"]
    assert table_spec["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_applying_twice_files_once_and_comments_once(container, deps):
    for message in (opened("d1"), comment("d2")):
        container.inbox.record(message)
        apply(message, deps)
        assert apply(message, deps) == "duplicate: applied before"
    assert [e.kind for e in container.tickets.history(1)] == ["ticket.filed", "ticket.commented"]
    assert container.inbox.linked(THREAD) == 1


@pytest.mark.slow  # threads racing on the emulator
def test_two_deliveries_opening_the_same_thread_at_once_file_one_ticket(container, deps):
    messages = [opened(f"race-{i}") for i in range(4)]
    for m in messages:
        container.inbox.record(m)
    outcomes: list[str] = []
    barrier = threading.Barrier(len(messages))

    def run(m):
        barrier.wait()
        for _ in range(5):  # what lost every race meanwhile, the queue delivers again
            try:
                outcomes.append(apply(m, deps))
                return
            except StaleVersion:
                continue

    threads = [threading.Thread(target=run, args=(m,)) for m in messages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == len(messages)
    filed = [o for o in outcomes if o.startswith("filed")]
    assert len(filed) == 1
    number = container.inbox.linked(THREAD)
    kinds = [e.kind for e in container.tickets.history(number)]
    assert kinds == ["ticket.filed"] + ["ticket.commented"] * 3
