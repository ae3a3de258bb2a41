"""Events: immutable facts about a ticket, in the past tense.

Every change to a ticket writes exactly one event in the same transaction, but the scheduler's
re-plan of timers (housekeeping: nothing happened that anybody hears of). Events are at once
the ticket's history (status page, audit) and the outbox the relay carries to the queues.
What each kind carries, says and shows is in its spec (catalogue.py).
"""

from __future__ import annotations

from .catalogue import CATALOGUE, SUMMARIES, EventSpec, spec_of
from .event import Event
from .kinds import (
    ASSIGNED,
    ATTACHMENT_ADDED,
    CLOSED,
    COMMENTED,
    CONFIRMED,
    DROP_DEAD_NEAR,
    EDITED,
    ESCALATED,
    ESCALATION_ACCEPTED,
    ESCALATION_DECLINED,
    INFO_ADDED,
    INFO_REQUESTED,
    LINKED,
    MAIL_REFUSED,
    NUDGED,
    POSTPONED,
    REJECTED,
    REOPENED,
    REPLIED,
    RESOLVED,
    RETURNED_TO_TRIAGE,
    SLA_BREACHED,
    SLA_WARNED,
    SPLIT,
    STARTED,
    TICKET_ACKNOWLEDGED,
    TICKET_FILED,
    TRIAGED,
    UPDATED,
    WITHDRAWN,
    WOKEN,
)

__all__ = [
    "ASSIGNED",
    "ATTACHMENT_ADDED",
    "CATALOGUE",
    "CLOSED",
    "COMMENTED",
    "CONFIRMED",
    "DROP_DEAD_NEAR",
    "EDITED",
    "ESCALATED",
    "ESCALATION_ACCEPTED",
    "ESCALATION_DECLINED",
    "INFO_ADDED",
    "INFO_REQUESTED",
    "LINKED",
    "MAIL_REFUSED",
    "NUDGED",
    "POSTPONED",
    "REJECTED",
    "REOPENED",
    "REPLIED",
    "RESOLVED",
    "RETURNED_TO_TRIAGE",
    "SLA_BREACHED",
    "SLA_WARNED",
    "SPLIT",
    "STARTED",
    "SUMMARIES",
    "TICKET_ACKNOWLEDGED",
    "TICKET_FILED",
    "TRIAGED",
    "UPDATED",
    "WITHDRAWN",
    "WOKEN",
    "Event",
    "EventSpec",
    "spec_of",
]
