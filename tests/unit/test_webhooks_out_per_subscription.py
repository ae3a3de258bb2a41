"""Webhooks out, one subscription at a time: the relay queues one message per event and
subscription that wants it, and a message naming its subscription is delivered, retried and
dead-lettered for that one alone."""

from __future__ import annotations

import json

import pytest

from services.application.relay import Outlets, relay
from services.application.webhooks_out import DeliveryFailed, deliver_event, per_subscription
from services.notify import webhook_handler
from tests.unit.test_webhooks_out_handler import handler_world, sqs_record  # noqa: F401
from tests.unit.webhook_builders import AUDIT, CHAT, HOOKS, FakePoster, deps, filed, sub, updated


class Publisher:
    def __init__(self):
        self.published: list[dict] = []

    def publish(self, messages):
        self.published.extend(messages)


def test_the_relay_queues_one_message_per_event_and_subscription_that_wants_it(clock):
    subs = (
        sub("ops", HOOKS),
        sub("chat", CHAT, events=("ticket.updated",)),
        sub("audit", AUDIT, public_only=False),
    )
    internal = updated(clock, 7, public=False, message="root cause: a bad cable")
    public = updated(clock, 7, public=True, message="the cable is replaced")
    webhooks = Publisher()
    relay(
        [internal, public], Outlets(Publisher(), Publisher(), webhooks=webhooks, subscriptions=subs)
    )
    assert [(m["id"], m["subscription"]) for m in webhooks.published] == [
        (internal.id, "audit"),  # the others hear only what is public
        (public.id, "ops"),
        (public.id, "chat"),
        (public.id, "audit"),
    ]
    assert per_subscription([internal], subs[:2]) == []


def test_a_message_for_one_subscription_posts_to_that_one_only(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    poster = FakePoster({HOOKS: [503]})
    d = deps(tickets, flow, clock, sub("ops", HOOKS), sub("chat", CHAT), poster=poster)
    [outcome] = deliver_event(event, d, only="chat")
    assert (outcome.subscription, outcome.state) == ("chat", "delivered")
    assert [r.url for r in poster.requests] == [CHAT]
    with pytest.raises(DeliveryFailed) as failed:
        deliver_event(event, d, only="ops")
    assert failed.value.failed == ("ops",)  # its retry is its own: chat is not tried again
    assert [r.url for r in poster.requests] == [CHAT, HOOKS]
    assert deliver_event(event, d, only="gone") == []  # removed from the config since


def test_the_handler_delivers_a_named_message_to_its_subscription(
    handler_world,  # noqa: F811 - the fixture
    tickets,
    flow,
    clock,
):
    world = handler_world["deps"]
    poster = FakePoster()
    handler_world["deps"] = deps(
        tickets, flow, clock, sub("ops", HOOKS), sub("chat", CHAT), poster=poster, log=world.log
    )
    event = filed(tickets, flow, clock)
    record = sqs_record(event, 1)
    record["body"] = json.dumps(event.to_message() | {"subscription": "chat"})
    assert webhook_handler.handler({"Records": [record]}, None) == {"batchItemFailures": []}
    assert [r.url for r in poster.requests] == [CHAT]
    # A message queued before messages named their subscription goes to every one.
    assert webhook_handler.handler({"Records": [sqs_record(event, 1, 1)]}, None) == {
        "batchItemFailures": []
    }
    assert [r.url for r in poster.requests] == [CHAT, HOOKS]  # chat had it: skipped
