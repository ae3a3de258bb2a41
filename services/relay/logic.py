"""The outbox relay: what is written to the table goes on the queues that consume it.

notify hears every event; triage only those it acts on; webhooks out every event (when the
deployment has that queue); the inbound queue every recorded webhook delivery and mail. The
relay adds no deduplication of its own: a retried stream batch may queue a message twice, and
every consumer is idempotent (on the event id, or the delivery's receipt).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.domain import events as ev
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.ports import EventPublisher

TRIAGE_KINDS = frozenset({ev.TICKET_FILED, ev.INFO_ADDED})


@dataclass(frozen=True)
class Outlets:
    notify: EventPublisher
    triage: EventPublisher
    inbound: EventPublisher | None = None
    webhooks: EventPublisher | None = None


def relay(records: Sequence[Event | Inbound], outlets: Outlets) -> int:
    events = [r for r in records if isinstance(r, Event)]
    inbound = [r.model_dump(mode="json") for r in records if isinstance(r, Inbound)]
    messages = [e.to_message() for e in events]
    for_triage = [e.to_message() for e in events if e.kind in TRIAGE_KINDS]
    # Triage first: if it fails, the batch is retried and notify has not run twice for it.
    if for_triage:
        outlets.triage.publish(for_triage)
    if inbound:
        if outlets.inbound is None:
            raise RuntimeError("an inbound delivery arrived, but no inbound queue is configured")
        outlets.inbound.publish(inbound)
    if messages and outlets.webhooks is not None:
        outlets.webhooks.publish(messages)
    if messages:
        outlets.notify.publish(messages)
    return len(messages) + len(inbound)
