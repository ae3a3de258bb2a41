"""The Ticket: what was asked, where it stands, and the only code that changes its status."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from .errors import AlreadyDone
from .events import TICKET_ACKNOWLEDGED, TICKET_FILED, Event
from .flow import TicketType
from .intake import Requester, TicketDraft
from .lifecycle import Action, Status, next_status


@dataclass
class Ticket:
    number: int
    type: str
    title: str
    requirements: str
    requester: Requester
    created_at: datetime
    updated_at: datetime
    token_salt: str
    token_digest: str
    status: Status = Status.NEW
    end_state: str = ""
    acceptance_criteria: list[str] = field(default_factory=list)
    drop_dead_date: date | None = None
    nice_to_have_date: date | None = None
    capacity_needs: str = ""
    security_needs: str = ""
    dependencies: list[str] = field(default_factory=list)
    private: bool = False
    acknowledged_at: datetime | None = None
    # The storage's optimistic-lock counter; the domain carries it and never reads it.
    version: int | None = None

    @classmethod
    def file(
        cls,
        *,
        number: int,
        draft: TicketDraft,
        ticket_type: TicketType,
        now: datetime,
        token_salt: str,
        token_digest: str,
        source: str,
    ) -> tuple[Ticket, Event]:
        fields = draft.model_dump(exclude={"requester", "private"})
        ticket = cls(
            number=number,
            requester=draft.requester,
            private=draft.private or ticket_type.always_private,
            created_at=now,
            updated_at=now,
            token_salt=token_salt,
            token_digest=token_digest,
            **fields,
        )
        event = Event(
            ticket=number,
            kind=TICKET_FILED,
            at=now,
            actor=f"requester:{draft.requester.email}",
            public=True,
            data={"source": source, "type": draft.type},
        )
        return ticket, event

    @property
    def is_open(self) -> bool:
        return self.status in {
            Status.NEW,
            Status.NEEDS_INFO,
            Status.TRIAGED,
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.POSTPONED,
        }

    def acknowledge(self, *, now: datetime, recipients: list[str]) -> Event:
        """Record that the requester and the team were told; once per ticket."""
        if self.acknowledged_at is not None:
            raise AlreadyDone(f"ticket {self.number} was acknowledged already")
        self._move(Action.ACKNOWLEDGE, now)
        self.acknowledged_at = now
        return Event(
            ticket=self.number,
            kind=TICKET_ACKNOWLEDGED,
            at=now,
            actor="system:notify",
            public=True,
            data={"recipients": recipients},
        )

    def _move(self, action: Action, now: datetime) -> None:
        self.status = next_status(self.status, action)
        self.updated_at = now

    def copy(self) -> Ticket:
        return dataclasses.replace(
            self,
            acceptance_criteria=list(self.acceptance_criteria),
            dependencies=list(self.dependencies),
        )
