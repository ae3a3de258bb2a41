"""The inbound queue's handler logs what is expected in one line (applied, settled, waiting
for its thread's ticket) and a traceback only for what nobody expected."""

from __future__ import annotations

import logging

import pytest

from services.application.inbound import InboundDeps
from services.domain.inbound import Inbound
from services.inbound import handler as inbound_handler
from tests.fakes import FakeInbox, FakeTicketRepository
from tests.fixtures.webhooks import with_hooks

EARLY = Inbound(
    source="github", delivery="d-early", action="comment", thread="github:octo/ops#7", message="hi"
)


def sqs_record(message: Inbound, receives: int) -> dict:
    return {
        "messageId": "m0",
        "receiptHandle": "rh0",
        "body": message.model_dump_json(),
        "attributes": {"ApproximateReceiveCount": str(receives)},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:t-inbound",
        "awsRegion": "us-east-1",
    }


@pytest.fixture
def world(flow, clock, monkeypatch):
    inbox = FakeInbox()
    deps = InboundDeps(
        tickets=FakeTicketRepository(inbox),
        inbox=inbox,
        flow=with_hooks(flow),
        clock=clock,
        secret_key="s" * 40,
    )

    class Container:
        inbound_deps = deps

    monkeypatch.setattr("services.adapters.bootstrap.container", lambda: Container())
    return deps


def handled(message: Inbound, receives: int) -> dict:
    return inbound_handler.handler({"Records": [sqs_record(message, receives)]}, None)


def lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "d-early" in r.getMessage() or r.exc_info]


def test_a_delivery_before_its_ticket_waits_with_one_line_and_no_traceback(world, caplog):
    caplog.set_level(logging.DEBUG)
    for receives in (1, 2, 3):
        assert handled(EARLY, receives) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    logged = lines(caplog)
    assert [r.levelno for r in logged] == [logging.INFO] * 3
    assert not any(r.exc_info for r in caplog.records)
    assert logged[0].getMessage() == (
        "inbound github#d-early: no ticket for github:octo/ops#7 yet;"
        " tried again later (try 1 of 4)"
    )


def test_its_last_try_settles_it_in_one_line(world, caplog):
    caplog.set_level(logging.DEBUG)
    assert handled(EARLY, 4) == {"batchItemFailures": []}
    [line] = lines(caplog)
    assert line.getMessage() == (
        "inbound github#d-early: ignored: no ticket was filed for github:octo/ops#7"
    )
    assert world.inbox.applied == {"github#d-early": line.getMessage().split(": ", 1)[1]}


def test_an_error_nobody_expected_logs_its_traceback_once(world, caplog, monkeypatch):
    def broken(thread):
        raise RuntimeError("the inbox is broken")

    monkeypatch.setattr(world.inbox, "linked", broken)
    caplog.set_level(logging.DEBUG)
    assert handled(EARLY, 1) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1
    assert "the inbox is broken" in str(tracebacks[0].exc_info[1])
