"""Filing: a new ticket from a draft, and a sub-ticket from its parent."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from .. import events as ev
from .. import timers
from ..actors import Actor
from ..drafts import TicketDraft
from ..errors import ValidationFailed
from ..events import Event
from ..flow import Member, TicketType
from ..lifecycle import Status
from .record import Change, TicketRecord, WipChange


class FilingMixin(TicketRecord):
    """How a ticket comes to be."""

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
        parent: int | None = None,
        actor: Actor | None = None,
        details: dict[str, Any] | None = None,
    ) -> tuple[Self, Event]:
        fields = draft.model_dump(exclude={"requester", "private", "cc"})
        ticket = cls(
            number=number,
            requester=draft.requester,
            watchers=[a for a in draft.cc if a != draft.requester.email],
            private=draft.private or ticket_type.always_private,
            created_at=now,
            updated_at=now,
            status_since=now,
            token_salt=token_salt,
            token_digest=token_digest,
            parent=parent,
            timers={timers.REVIEW: now},  # its SLA clocks start now: the scheduler plans them
            # The filing is its own acknowledgement: its event, in the same transaction, is
            # what notify mails the requester and the team from (once each: the mail ledger).
            acknowledged_at=now,
            last_update_at=now,
            last_update=ev.SUMMARIES[ev.TICKET_FILED],
            **fields,
        )
        data: dict[str, Any] = {**(details or {}), "source": source, "type": draft.type}
        if parent is not None:
            data["parent"] = parent
        event = Event(
            ticket=number,
            kind=ev.TICKET_FILED,
            at=now,
            actor=actor.ref if actor else f"requester:{draft.requester.email}",
            public=True,
            data=data,
        )
        return ticket, event

    def child(
        self,
        *,
        number: int,
        now: datetime,
        actor: Actor,
        title: str,
        requirements: str,
        acceptance_criteria: list[str],
        owner: Member | None,
        token_salt: str,
        token_digest: str,
    ) -> tuple[Self, Change]:
        """A sub-ticket: a full ticket of the parent's type and requester, already triaged (or
        assigned to `owner`, within their WIP limit)."""
        if owner is not None and "engineer" not in owner.roles:
            raise ValidationFailed({"owner": f"{owner.id} is not an engineer"})
        child = type(self)(
            number=number,
            type=self.type,
            title=title,
            requirements=requirements,
            end_state="",
            acceptance_criteria=list(acceptance_criteria),
            requester=self.requester,
            private=self.private,
            created_at=now,
            updated_at=now,
            status_since=now,
            token_salt=token_salt,
            token_digest=token_digest,
            status=Status.ASSIGNED if owner else Status.TRIAGED,
            owner=owner.id if owner else None,
            parent=self.number,
            drop_dead_date=self.drop_dead_date,
            timers={timers.REVIEW: now},  # its SLA clocks and reminders: planned at once
        )
        data: dict[str, Any] = {"source": "split", "type": self.type, "parent": self.number}
        wip: tuple[WipChange, ...] = ()
        if owner:
            data["owner"] = owner.id
            wip = (WipChange(owner.id, +1, owner.wip_limit),)
        event = Event(number, ev.TICKET_FILED, now, actor.ref, True, data)
        return child, Change(event, wip)
