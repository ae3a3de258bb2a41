"""The outbox relay: every event written to the table goes on the queues that consume it.

notify hears every event; triage only those it acts on. The relay adds no deduplication of
its own: a retried stream batch may queue an event twice, and every consumer is idempotent on
the event id.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.domain import events as ev
from services.domain.events import Event
from services.domain.ports import EventPublisher

TRIAGE_KINDS = frozenset({ev.TICKET_FILED, ev.INFO_ADDED})


def relay(events: Sequence[Event], notify: EventPublisher, triage: EventPublisher) -> int:
    messages = [e.to_message() for e in events]
    for_triage = [e.to_message() for e in events if e.kind in TRIAGE_KINDS]
    # Triage first: if it fails, the batch is retried and notify has not run twice for it.
    if for_triage:
        triage.publish(for_triage)
    if messages:
        notify.publish(messages)
    return len(messages)
