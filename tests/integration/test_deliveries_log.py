"""The webhook delivery log on the table (emulator): attempts sum up per delivery, a delivery
stays delivered, a ticket's log and the recent page read by key, never by Scan."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import botocore.client
import pytest

from services.adapters.deliveries import RECENT_DAYS, DeliveryItem, DynamoDeliveryLog, recent_key
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.webhooks_out import (
    DELIVERED,
    FAILED_PERMANENTLY,
    RETRYING,
    Attempt,
    delivery_id,
)
from tests.conftest import valid_ticket


@pytest.fixture
def log(container):
    return DynamoDeliveryLog(container.models, container.clock)


def attempt(clock, ticket=1, event="ev1", sub="ops", state=RETRYING, status=503, error=""):
    return Attempt(
        delivery_id=delivery_id(event, sub),
        subscription=sub,
        ticket=ticket,
        event_id=event,
        event_kind="ticket.filed",
        at=clock.now(),
        state=state,
        status=status,
        error=error or (f"HTTP {status}" if state != DELIVERED else ""),
    )


@pytest.fixture
def calls(monkeypatch):
    counted: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        counted[operation] += 1
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return counted


def test_a_delivery_never_tried_has_no_state(log):
    assert log.state(1, delivery_id("ev1", "ops")) is None
    assert not log.was_delivered(1, delivery_id("ev1", "ops"))
    assert log.for_ticket(1) == []
    assert log.recent() == []


def test_attempts_sum_up_until_delivered(log, clock):
    first_at = clock.now()
    log.record(attempt(clock, status=503))
    clock.advance(seconds=30)
    log.record(attempt(clock, status=None, error="PostFailed: no answer from x within 5 s"))
    clock.advance(seconds=60)
    log.record(attempt(clock, state=DELIVERED, status=204))

    did = delivery_id("ev1", "ops")
    assert log.state(1, did) == DELIVERED and log.was_delivered(1, did)
    [row] = log.for_ticket(1)
    assert (row.id, row.subscription, row.ticket, row.event_id, row.event_kind) == (
        did,
        "ops",
        1,
        "ev1",
        "ticket.filed",
    )
    assert (row.state, row.attempts, row.last_status, row.last_error) == (DELIVERED, 3, 204, "")
    assert (row.first_at, row.updated_at, row.delivered_at) == (
        first_at,
        clock.now(),
        clock.now(),
    )
    assert log.recent() == [row]  # the copy for the recent page is the same


def test_a_late_failure_never_undoes_a_delivery(log, clock):
    log.record(attempt(clock, state=DELIVERED, status=200))
    clock.advance(seconds=5)
    log.record(attempt(clock, status=500))  # a concurrent redelivery that failed
    [row] = log.for_ticket(1)
    assert (row.state, row.attempts, row.last_status) == (DELIVERED, 1, 200)


def test_a_permanent_failure_is_kept_with_its_status(log, clock):
    log.record(attempt(clock, state=FAILED_PERMANENTLY, status=410))
    [row] = log.for_ticket(1)
    assert (row.state, row.last_status, row.last_error, row.delivered_at) == (
        FAILED_PERMANENTLY,
        410,
        "HTTP 410",
        None,
    )


def test_a_tickets_log_is_its_own_newest_first_beside_its_history(container, log, clock):
    filed = file_ticket(
        valid_ticket(),
        TicketDeps(container.tickets, container.flow, clock, container.settings.secret_key),
        source="api",
    )
    n = filed.ticket.number
    log.record(attempt(clock, ticket=n, sub="ops"))
    clock.advance(minutes=1)
    log.record(attempt(clock, ticket=n, sub="chat", state=DELIVERED, status=200))
    log.record(attempt(clock, ticket=n + 1, sub="ops", event="other"))

    assert [(r.subscription, r.ticket) for r in log.for_ticket(n)] == [("chat", n), ("ops", n)]
    # The ticket, its history and its mail ledger read as before.
    assert container.tickets.get(n).title == filed.ticket.title
    assert [e.kind for e in container.tickets.history(n)] == ["ticket.filed"]


def test_recent_reads_today_and_yesterday_newest_first_without_a_scan(log, clock, calls):
    clock.advance(days=-3)
    log.record(attempt(clock, event="three-days-ago"))
    clock.advance(days=2)
    log.record(attempt(clock, event="yesterday"))
    clock.advance(days=1)
    for i in range(3):
        clock.advance(minutes=1)
        log.record(attempt(clock, event=f"today-{i}"))
    calls.clear()

    assert [r.event_id for r in log.recent()] == ["today-2", "today-1", "today-0", "yesterday"]
    assert calls == Counter({"Query": 2})
    calls.clear()
    assert [r.event_id for r in log.recent(limit=2)] == ["today-2", "today-1"]
    assert calls == Counter({"Query": 1})


def test_an_attempt_costs_one_update_and_one_put(log, clock, calls):
    log.record(attempt(clock))
    assert calls == Counter({"UpdateItem": 1, "PutItem": 1})
    calls.clear()
    log.state(1, delivery_id("ev1", "ops"))
    assert calls == Counter({"GetItem": 1})


def test_the_recent_copy_expires_and_a_retry_rewrites_it_in_place(log, clock):
    first_at = clock.now()
    log.record(attempt(clock))
    clock.advance(minutes=2)
    log.record(attempt(clock, status=502))
    item = DeliveryItem.get(*recent_key(first_at, delivery_id("ev1", "ops")))
    assert (item.attempts, item.last_status) == (2, 502)
    assert item.expires_at == int((first_at + timedelta(days=RECENT_DAYS)).timestamp())
    assert len(log.recent()) == 1
