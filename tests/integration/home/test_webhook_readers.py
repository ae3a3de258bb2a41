"""Webhooks out on the SQLite home: a consumer per subscription, each with its own position
in the outbox. After an upgrade from the single webhooks consumer, each new one starts where
that one stopped: nothing it had not delivered is skipped, nothing it had is sent again."""

from __future__ import annotations

from types import SimpleNamespace

from infra.local.consumers import Consumer
from infra.local.home_consumers import consumers
from services.domain.inbound import Inbound
from services.domain.integrations import Subscription
from tests.e2e.support import eventually
from tests.integration.home.test_consumers import home  # noqa: F401 - the fixture


def delivery(name: str) -> Inbound:
    return Inbound(source="github", delivery=name, action="comment", thread="gh#1")


def test_each_subscription_has_a_consumer_of_its_own(flow):
    subs = tuple(Subscription(name=n, url=f"https://{n}.example.org/hook") for n in ("ops", "chat"))
    container = SimpleNamespace(flow=flow.model_copy(update={"subscriptions": subs}))
    made = {c.name: c for c in consumers(container)}
    assert {"webhooks:ops", "webhooks:chat"} <= set(made)
    assert "webhooks" not in made
    assert made["webhooks:ops"].takes_over == "webhooks"


def test_a_new_reader_starts_where_the_one_it_takes_over_from_stopped(home):  # noqa: F811
    for name in ("delivered before", "not yet delivered"):
        home.inbox.record(delivery(name))
    home.outbox.advance("webhooks", 1)  # the single consumer of earlier versions
    seen: list[str] = []
    home.start(
        Consumer(
            "webhooks:ops",
            lambda i: True,
            lambda i, n: seen.append(i.delivery),
            takes_over="webhooks",
        )
    )
    eventually(lambda: seen, timeout=2, what="the item after the old reader's position")
    assert seen == ["not yet delivered"]
    assert home.outbox.position("webhooks:ops") == 2
