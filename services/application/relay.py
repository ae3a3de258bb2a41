"""The outbox relay: what is written to the table goes on the queues that consume it.

notify hears every event; triage only those it acts on; webhooks out one message per event
and subscription that wants it (when the deployment has that queue: each subscription is
delivered and retried on its own); the inbound queue every recorded webhook delivery and
mail; on DynamoDB the search's term index every ticket with a new event. The relay adds no
deduplication of its own: a retried stream batch may queue a message twice, and every
consumer is idempotent (on the event id, or the delivery's receipt).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from services.domain import events as ev
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.integrations import Subscription
from services.domain.ports import EventPublisher
from services.domain.search import SearchIndex

from .webhooks_out import per_subscription

log = logging.getLogger(__name__)
TRIAGE_KINDS = frozenset({ev.TICKET_FILED, ev.INFO_ADDED, ev.EDITED})


@dataclass(frozen=True)
class Outlets:
    notify: EventPublisher
    triage: EventPublisher
    inbound: EventPublisher | None = None
    webhooks: EventPublisher | None = None
    # Who webhooks out may post to: the webhooks queue gets a message for each of them.
    subscriptions: tuple[Subscription, ...] = ()
    # Where the search's index follows the events (DynamoDB; SQLite writes its own in each
    # change's transaction).
    search: SearchIndex | None = None


def relay(records: Sequence[Event | Inbound], outlets: Outlets) -> int:
    events = [r for r in records if isinstance(r, Event)]
    inbound = [r.model_dump(mode="json") for r in records if isinstance(r, Inbound)]
    messages = [e.to_message() for e in events]
    for_triage = [e.to_message() for e in events if e.kind in TRIAGE_KINDS]
    # The search index before the queues: if it fails, the batch is retried and nothing was
    # queued twice.
    if events and outlets.search is not None:
        outlets.search.reindex(e.ticket for e in events)
    # Triage first: if it fails, the batch is retried and notify has not run twice for it.
    if for_triage:
        outlets.triage.publish(for_triage)
    if inbound:
        if outlets.inbound is None:
            raise RuntimeError("an inbound delivery arrived, but no inbound queue is configured")
        outlets.inbound.publish(inbound)
    if outlets.webhooks is not None:
        for_webhooks = per_subscription(events, outlets.subscriptions)
        if for_webhooks:
            outlets.webhooks.publish(for_webhooks)
    if messages:
        outlets.notify.publish(messages)
    return len(messages) + len(inbound)


_CHUNK = 10  # one SQS SendMessageBatch


@dataclass(frozen=True)
class StreamRecord:
    """One record of the table's stream, decoded: an event, an inbox item, None for any other
    item (a ticket, a counter), or `unreadable` when an event or inbox item would not decode."""

    sequence: str
    item: Event | Inbound | None
    unreadable: bool = False


def relay_batch(records: Sequence[StreamRecord], outlets: Outlets) -> str | None:
    """Publish the records in order, ten at a time; the sequence number the stream must retry
    from (the first record not published), or None when everything went out."""
    pending: list[StreamRecord] = []
    poisoned: str | None = None
    for record in records:
        if record.unreadable:
            # Publish what came before it; the stream retries from this record, and after
            # its retries parks it in the relay's failure queue.
            log.error("relay: record %s is not a readable event", record.sequence)
            poisoned = record.sequence
            break
        if record.item is not None:
            pending.append(record)
    for start in range(0, len(pending), _CHUNK):
        chunk = pending[start : start + _CHUNK]
        try:
            relay([r.item for r in chunk if r.item is not None], outlets)
        except Exception:
            log.exception("relay: publishing failed; the stream retries from %s", chunk[0].sequence)
            return chunk[0].sequence
    return poisoned
