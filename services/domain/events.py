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

# What the requester reads in the public history, by event kind.
PUBLIC_SUMMARIES = {
    TICKET_FILED: "Filed",
    TICKET_ACKNOWLEDGED: "Acknowledged: the requester and the team were told",
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
        return PUBLIC_SUMMARIES.get(self.kind, self.kind)

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
