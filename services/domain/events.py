"""Events: immutable facts about a ticket, in the past tense.

Every change to a ticket writes exactly one event in the same transaction. Events are at once
the ticket's history (status page, audit) and the outbox the relay carries to the queues.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TICKET_FILED = "ticket.filed"
TICKET_ACKNOWLEDGED = "ticket.acknowledged"
INFO_REQUESTED = "ticket.info-requested"
INFO_ADDED = "ticket.info-added"
TRIAGED = "ticket.triaged"
ASSIGNED = "ticket.assigned"
STARTED = "ticket.started"
UPDATED = "ticket.updated"
ESCALATED = "ticket.escalated"
ESCALATION_ACCEPTED = "ticket.escalation-accepted"
ESCALATION_DECLINED = "ticket.escalation-declined"
RETURNED_TO_TRIAGE = "ticket.returned-to-triage"
SPLIT = "ticket.split"
LINKED = "ticket.linked"
REJECTED = "ticket.rejected"
RESOLVED = "ticket.resolved"
REOPENED = "ticket.reopened"
CLOSED = "ticket.closed"
REPLIED = "ticket.replied"
POSTPONED = "ticket.postponed"
WOKEN = "ticket.woken"
NUDGED = "ticket.nudged"
SLA_WARNED = "sla.warned"
SLA_BREACHED = "sla.breached"
DROP_DEAD_NEAR = "ticket.drop-dead-near"
COMMENTED = "ticket.commented"
WITHDRAWN = "ticket.withdrawn"
MAIL_REFUSED = "ticket.mail-refused"
CONFIRMED = "ticket.confirmed"

# What people read in a history, by event kind.
SUMMARIES = {
    TICKET_FILED: "Filed",
    TICKET_ACKNOWLEDGED: "Acknowledged: the requester and the team were told",
    INFO_REQUESTED: "Waiting for more information from the requester",
    INFO_ADDED: "The requester added information",
    TRIAGED: "Triaged",
    ASSIGNED: "Assigned",
    STARTED: "Work started",
    UPDATED: "Update",
    ESCALATED: "Escalated",
    ESCALATION_ACCEPTED: "Escalation accepted",
    ESCALATION_DECLINED: "Escalation declined",
    RETURNED_TO_TRIAGE: "Returned to triage",
    SPLIT: "Split into sub-tickets",
    LINKED: "Dependency linked",
    REJECTED: "Rejected",
    RESOLVED: "Resolved",
    REOPENED: "Reopened",
    CLOSED: "Closed",
    REPLIED: "The requester wrote",
    POSTPONED: "Postponed",
    WOKEN: "Back from postponement",
    NUDGED: "Reminded the requester of the missing information",
    SLA_WARNED: "SLA warning",
    SLA_BREACHED: "SLA breached",
    DROP_DEAD_NEAR: "Drop-dead date near",
    COMMENTED: "Comment",
    WITHDRAWN: "Closed where it came from",
    MAIL_REFUSED: "A mail from someone else was refused",
    CONFIRMED: "The requester confirmed the resolution",
}


@dataclass(frozen=True)
class Event:
    ticket: int
    kind: str
    at: datetime
    actor: str
    public: bool
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def summary(self) -> str:
        return SUMMARIES.get(self.kind, self.kind)

    def to_message(self) -> dict[str, Any]:
        """The JSON-safe form the relay puts on the queues."""
        return {
            "id": self.id,
            "ticket": self.ticket,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "public": self.public,
            "data": self.data,
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Event:
        return cls(
            id=str(message["id"]),
            ticket=int(message["ticket"]),
            kind=str(message["kind"]),
            at=datetime.fromisoformat(message["at"]),
            actor=str(message["actor"]),
            public=bool(message["public"]),
            data=dict(message.get("data") or {}),
        )
