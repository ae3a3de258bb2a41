"""The outbox relay: every event written to the table goes on the queues that consume it.

Today only notify consumes events; triage will subscribe here too. The relay adds no
deduplication of its own: a retried stream batch may queue an event twice, and every consumer
is idempotent on the event id.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.domain.events import Event
from services.domain.ports import EventPublisher


def relay(events: Sequence[Event], notify: EventPublisher) -> int:
    messages = [e.to_message() for e in events]
    if messages:
        notify.publish(messages)
    return len(messages)
