"""Webhooks out, as the delivery log records them: one attempt at a time, summed up per
delivery (an event offered to one subscription). Shared by services/notify/webhooks.py, which
makes the attempts, and the adapter that stores them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# A delivery's state in the log.
DELIVERED = "delivered"
RETRYING = "retrying"  # failed; the queue tries again
FAILED_PERMANENTLY = "failed-permanently"  # the receiver refused it (4xx): never retried
DEAD_LETTERED = "dead-lettered"  # failed on the queue's last try: the event is parked
# Redeliveries skip these; a dead-lettered delivery is tried again if the DLQ is redriven.
SETTLED = frozenset({DELIVERED, FAILED_PERMANENTLY})


@dataclass(frozen=True)
class Attempt:
    """One try of one delivery, as the log records it."""

    delivery_id: str
    subscription: str
    ticket: int
    event_id: str
    event_kind: str
    at: datetime
    state: str  # DELIVERED | RETRYING | FAILED_PERMANENTLY | DEAD_LETTERED
    status: int | None = None  # the HTTP status, None when no answer came
    error: str = ""


@dataclass(frozen=True)
class DeliveryRecord:
    """A delivery as the log shows it: every attempt of it summed up."""

    id: str
    subscription: str
    ticket: int
    event_id: str
    event_kind: str
    state: str
    attempts: int
    last_status: int | None
    last_error: str
    first_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
