"""What the SQLite home's consumers log: an expected wait (a delivery before its thread's
ticket) is one line a try, and only an error nobody expected carries a traceback."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from infra.local.consumers import Consumer
from infra.local.home_consumers import consumers
from services.application.inbound import InboundDeps
from services.domain.inbound import Inbound
from tests.e2e.support import eventually
from tests.fakes import FakeInbox, FakeTicketRepository
from tests.fixtures.webhooks import with_hooks
from tests.integration.home.test_consumers import home  # noqa: F401 - the fixture

EARLY = Inbound(source="github", delivery="d-early", action="comment", thread="github:o/r#7")


@pytest.fixture
def inbound_consumer(flow, clock) -> tuple[Consumer, InboundDeps]:
    inbox = FakeInbox()
    deps = InboundDeps(
        tickets=FakeTicketRepository(inbox),
        inbox=inbox,
        flow=with_hooks(flow),
        clock=clock,
        secret_key="s" * 40,
    )
    container = SimpleNamespace(flow=deps.flow, inbound_deps=deps)
    (consumer,) = [c for c in consumers(container) if c.name == "inbound"]
    return consumer, deps


def test_a_delivery_before_its_ticket_waits_in_one_line_a_try(home, inbound_consumer, caplog):  # noqa: F811
    caplog.set_level(logging.INFO, logger="rtflow.home")
    consumer, deps = inbound_consumer
    home.start(consumer)
    home.inbox.record(EARLY)
    eventually(lambda: deps.inbox.applied, timeout=10, what="the delivery settled")
    assert deps.inbox.applied == {"github#d-early": "ignored: no ticket was filed for github:o/r#7"}
    waits = [r for r in caplog.records if "waits" in r.getMessage()]
    assert len(waits) == 3  # the fourth try settles it
    assert all(r.levelno == logging.INFO for r in waits)
    assert "no ticket for github:o/r#7 yet" in waits[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)


def test_an_error_nobody_expected_is_logged_with_its_traceback(home, caplog):  # noqa: F811
    def broken(item, attempt):
        raise KeyError("a bug")

    caplog.set_level(logging.INFO, logger="rtflow.home")
    home.start(Consumer("notify", lambda item: True, broken, max_attempts=2))
    home.inbox.record(EARLY)
    eventually(lambda: home.ledger.dead_letters("notify"), timeout=5, what="a dead letter")
    failed = [r for r in caplog.records if "failed (try 1)" in r.getMessage()]
    assert len(failed) == 1 and failed[0].exc_info is not None
