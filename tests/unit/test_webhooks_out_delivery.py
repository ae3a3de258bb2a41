"""Webhooks out: who gets what (public-only subscriptions, the kinds each names), each
delivery once, and what a failure means: retried, permanent or dead-lettered."""

from __future__ import annotations

import pytest

from services.application.webhooks_out import (
    DEAD_LETTERED,
    DELIVERED,
    FAILED_PERMANENTLY,
    RETRYING,
    DeliveryFailed,
    classify,
    deliver_event,
    delivery_id,
)
from services.domain import events as ev
from services.domain.events import Event
from tests.fake_deliveries import FakeDeliveryLog
from tests.fakes import FakeTicketRepository
from tests.unit.webhook_builders import AUDIT, CHAT, HOOKS, FakePoster, deps, filed, sub, updated

# -- who gets what -------------------------------------------------------------------------


def test_public_only_subscriptions_hear_nothing_internal_or_private(tickets, flow, clock):
    public_ticket = filed(tickets, flow, clock).ticket
    private_event = filed(tickets, flow, clock, private=True)
    note = updated(clock, public_ticket, public=False, message="internal note")
    d = deps(
        tickets,
        flow,
        clock,
        sub("public", HOOKS),  # public_only by default
        sub("team", AUDIT, public_only=False),
    )
    deliver_event(note, d)
    deliver_event(private_event, d)
    assert d.poster.to(HOOKS) == []
    assert [r.json["event"]["kind"] for r in d.poster.to(AUDIT)] == [
        "ticket.updated",
        "ticket.filed",
    ]
    assert d.poster.to(AUDIT)[1].json["ticket"]["private"] is True


def test_a_subscription_gets_only_the_kinds_it_names(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("sla", HOOKS, events=("sla.breached",)))
    assert deliver_event(event, d) == []
    assert d.poster.requests == []


def test_with_no_subscriber_the_ticket_is_not_even_read(flow, clock):
    class Untouchable(FakeTicketRepository):
        def get(self, number):
            raise AssertionError("read for nothing")

    event = Event(1, ev.UPDATED, clock.now(), "staff:mira", False, {"message": "x"})
    d = deps(Untouchable(), flow, clock, sub("public", HOOKS))
    assert deliver_event(event, d) == []


# -- once, and retries ---------------------------------------------------------------------


def test_the_delivery_id_is_stable_and_differs_per_subscription():
    assert delivery_id("ev1", "ops") == delivery_id("ev1", "ops")
    assert delivery_id("ev1", "ops") != delivery_id("ev1", "chat")
    assert delivery_id("ev1", "ops") != delivery_id("ev2", "ops")


def test_a_redelivered_event_posts_nothing_twice(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("ops", HOOKS), sub("chat", CHAT, format="slack"))
    deliver_event(event, d)
    again = deliver_event(Event.from_message(event.to_message()), d)
    assert [o.state for o in again] == ["skipped", "skipped"]
    assert len(d.poster.requests) == 2
    assert [r.attempts for r in d.log.for_ticket(event.ticket)] == [1, 1]


def test_one_failing_subscription_does_not_stop_the_others(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    poster = FakePoster({HOOKS: [503, 200], CHAT: [ConnectionRefusedError("refused")]})
    subs = (sub("ops", HOOKS), sub("chat", CHAT, format="slack"), sub("audit", AUDIT))
    d = deps(tickets, flow, clock, *subs, poster=poster)

    with pytest.raises(DeliveryFailed) as failed:
        deliver_event(event, d)
    assert failed.value.failed == ("ops", "chat")
    assert len(poster.to(AUDIT)) == 1  # tried after the two failures, and delivered
    states = {r.subscription: r.state for r in d.log.for_ticket(event.ticket)}
    assert states == {"ops": RETRYING, "chat": RETRYING, "audit": DELIVERED}

    # The queue redelivers: the failed ones are tried again, with the same delivery id.
    clock.advance(seconds=30)
    with pytest.raises(DeliveryFailed) as failed:
        deliver_event(event, d)
    assert failed.value.failed == ("chat",)
    assert len(poster.to(AUDIT)) == 1
    first, second = poster.to(HOOKS)
    assert first.headers["X-RTFlow-Delivery"] == second.headers["X-RTFlow-Delivery"]
    rows = {r.subscription: r for r in d.log.for_ticket(event.ticket)}
    assert (rows["ops"].state, rows["ops"].attempts, rows["ops"].last_status) == (
        DELIVERED,
        2,
        200,
    )
    assert rows["chat"].last_status is None
    assert "ConnectionRefusedError" in rows["chat"].last_error


def test_a_4xx_is_a_permanent_failure_logged_and_never_retried(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    poster = FakePoster({HOOKS: [410]})
    d = deps(tickets, flow, clock, sub("ops", HOOKS), poster=poster)
    [outcome] = deliver_event(event, d)  # nothing to retry: no DeliveryFailed
    assert (outcome.state, outcome.status) == (FAILED_PERMANENTLY, 410)
    assert deliver_event(event, d)[0].state == "skipped"
    assert len(poster.requests) == 1
    [row] = d.log.for_ticket(event.ticket)
    assert (row.state, row.last_error) == (FAILED_PERMANENTLY, "HTTP 410")


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (200, DELIVERED),
        (204, DELIVERED),
        (301, FAILED_PERMANENTLY),  # redirects are not followed
        (400, FAILED_PERMANENTLY),
        (401, FAILED_PERMANENTLY),
        (404, FAILED_PERMANENTLY),
        (408, RETRYING),
        (429, RETRYING),
        (500, RETRYING),
        (503, RETRYING),
    ],
)
def test_what_an_answer_means(status, state):
    assert classify(status) == state


def test_the_queues_last_try_logs_failures_as_dead_lettered(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("ops", HOOKS), poster=FakePoster({HOOKS: [TimeoutError()]}))
    with pytest.raises(DeliveryFailed):
        deliver_event(event, d, last_try=True)
    [row] = d.log.for_ticket(event.ticket)
    assert row.state == DEAD_LETTERED


def test_an_error_never_shows_the_urls_secret_path(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    error = OSError(f"cannot reach {CHAT}")
    d = deps(tickets, flow, clock, sub("chat", CHAT, format="slack"),
             poster=FakePoster({CHAT: [error]}))  # fmt: skip
    with pytest.raises(DeliveryFailed):
        deliver_event(event, d)
    [row] = d.log.for_ticket(event.ticket)
    assert "secretpart" not in row.last_error and "OSError" in row.last_error


def test_a_log_that_fails_makes_that_subscription_retry_only(tickets, flow, clock):
    class BrokenForOps(FakeDeliveryLog):
        def record(self, a):
            if a.subscription == "ops":
                raise RuntimeError("table unavailable")
            super().record(a)

    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("ops", HOOKS), sub("audit", AUDIT), log=BrokenForOps())
    with pytest.raises(DeliveryFailed) as failed:
        deliver_event(event, d)
    assert failed.value.failed == ("ops",)
    assert d.log.was_delivered(event.ticket, delivery_id(event.id, "audit"))
