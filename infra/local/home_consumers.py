"""The SQLite home's consumers of the outbox: what the queues feed on AWS, each calling the
use case its queue handler calls (services/*/handler.py), with the queue's number of tries."""

from __future__ import annotations

import logging
from typing import Any

from services.adapters.bootstrap import Container
from services.application import inbound, notify, triage, webhooks_out
from services.application.relay import TRIAGE_KINDS
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.integrations import Subscription

from .consumers import Consumer, Item, RetryAfter, Waiting

log = logging.getLogger("rtflow.home")

# As infra/resources/queues.yml's maxReceiveCount of each queue.
QUEUE_TRIES = 5


def _is_event(item: Item) -> bool:
    return isinstance(item, Event)


def _for_triage(item: Item) -> bool:
    return isinstance(item, Event) and item.kind in TRIAGE_KINDS


def _is_inbound(item: Item) -> bool:
    return isinstance(item, Inbound)


def consumers(c: Container) -> list[Consumer]:
    def run_triage(item: Any, attempt: int) -> None:
        triage.handle_event(item, c.triage_deps)

    def run_notify(item: Any, attempt: int) -> None:
        notify.handle_event(item, c.notify_deps)

    def run_inbound(item: Any, attempt: int) -> None:
        last_try = attempt >= inbound.LAST_TRY
        try:
            outcome = inbound.apply(item, c.inbound_deps, last_try=last_try)
        except inbound.NotYet as e:
            raise Waiting(f"{item.key}: {e}") from e
        log.info("inbound %s: %s", item.key, outcome)

    made = [
        Consumer("triage", _for_triage, run_triage, QUEUE_TRIES),
        Consumer("notify", _is_event, run_notify, QUEUE_TRIES),
        Consumer("inbound", _is_inbound, run_inbound, QUEUE_TRIES),
    ]
    # Nobody subscribed: nobody hears webhooks out.
    return made + [_webhooks(c, sub) for sub in c.flow.subscriptions]


def _webhooks(c: Container, sub: Subscription) -> Consumer:
    """Webhooks out to one subscription: a consumer of its own (its thread, its position in
    the outbox, its retries), so a slow or failing receiver holds up no other. A new one
    starts where the single webhooks consumer of earlier versions stopped."""

    def wanted(item: Item) -> bool:
        return isinstance(item, Event) and sub.wants(item.kind, item.public, private_ticket=False)

    def run(item: Any, attempt: int) -> None:
        backoff: list[int] = []  # the wait the use case asks for after a failure
        try:
            webhooks_out.offer(
                item, c.webhook_deps, receives=attempt, delay=backoff.append, only=sub.name
            )
        except Exception as e:
            if backoff:
                raise RetryAfter(backoff[0], str(e)) from e
            raise

    return Consumer(
        f"webhooks:{sub.name}", wanted, run, webhooks_out.MAX_RECEIVES, takes_over="webhooks"
    )
