"""The ticket record: what was asked, where it stands, and the only code that changes it.

Each action checks who may do it and whether the ticket's state allows it, changes the
ticket, and returns a Change: the one event to write with it, the WIP counters to move, and
the other tickets that must be finished at commit time. The repository writes all of that
in one transaction, or nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Self

from .. import timers
from ..actors import Actor
from ..drafts import Requester
from ..errors import Forbidden
from ..events import Event
from ..lifecycle import FINISHED, Action, Status, next_status
from ..triage_rules import Complexity


@dataclass(frozen=True)
class WipChange:
    """Move a member's open-ticket count; with a limit, refuse to go over it."""

    member: str
    delta: int
    limit: int | None = None


@dataclass(frozen=True)
class Change:
    event: Event | None  # None only for housekeeping: a re-planned timer, nothing happened
    wip: tuple[WipChange, ...] = ()
    # Tickets that must be resolved, closed or rejected when the change commits.
    require_finished: tuple[int, ...] = ()


@dataclass(frozen=True)
class Escalation:
    to: str
    by: str
    reason: str
    at: datetime


@dataclass
class TicketRecord:
    """The ticket's fields and the one way they change; the actions live in the mixins."""

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
    # When the ticket entered its current status (time-in-state; the SLA clock pauses on it).
    status_since: datetime | None = None
    owner: str | None = None
    complexity: Complexity | None = None
    skills: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    eta: date | None = None
    escalation: Escalation | None = None
    parent: int | None = None
    children: list[int] = field(default_factory=list)
    depends_on: list[int] = field(default_factory=list)
    postponed_from: Status | None = None
    postponed_until: datetime | None = None
    postponed_public: bool = False
    # Pending timers (name -> when) and the ones that fired: see domain/timers.py.
    timers: dict[str, datetime] = field(default_factory=dict)
    fired: list[str] = field(default_factory=list)
    sla_breached: list[str] = field(default_factory=list)
    # The last step the requester may see: what the public queue shows as "last update".
    last_update_at: datetime | None = None
    last_update: str = ""
    # Who else hears of the public updates (lower-case addresses: domain/watchers.py), and
    # where a merged duplicate went (domain/ticket/merging.py).
    watchers: list[str] = field(default_factory=list)
    merged_into: int | None = None
    # The storage's optimistic-lock counter; the domain carries it and never reads it.
    version: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    def values(self) -> dict[str, Any]:
        """The intake fields, as the triage rules read them."""
        return {
            "type": self.type,
            "title": self.title,
            "requirements": self.requirements,
            "end_state": self.end_state,
            "acceptance_criteria": list(self.acceptance_criteria),
            "drop_dead_date": self.drop_dead_date,
            "nice_to_have_date": self.nice_to_have_date,
            "capacity_needs": self.capacity_needs,
            "security_needs": self.security_needs,
            "dependencies": list(self.dependencies),
            "requester": {"name": self.requester.name, "email": self.requester.email},
        }

    def copy(self) -> Self:
        return dataclasses.replace(
            self,
            acceptance_criteria=list(self.acceptance_criteria),
            dependencies=list(self.dependencies),
            skills=list(self.skills),
            missing=list(self.missing),
            children=list(self.children),
            depends_on=list(self.depends_on),
            timers=dict(self.timers),
            fired=list(self.fired),
            sla_breached=list(self.sla_breached),
            watchers=list(self.watchers),
        )

    def _change(
        self,
        action: Action,
        actor: Actor,
        now: datetime,
        kind: str,
        *,
        public: bool,
        data: dict[str, Any] | None = None,
        wip: tuple[WipChange, ...] = (),
        require_finished: tuple[int, ...] = (),
    ) -> Change:
        """The ticket after `action`: its status is what lifecycle.py's table says, or
        IllegalTransition. The change's event carries the move, if any."""
        before = self.status
        after = next_status(before, action, self.postponed_from)
        payload = dict(data or {})
        if after != before:
            self.status = after
            self.status_since = now
            if after in FINISHED and action is not Action.CLOSE:
                # Resolved, rejected or withdrawn: nothing is awaited any more. Only a ticket
                # closed for want of an answer keeps what it waited for, and a reopening waits
                # for it again (lifecycle.py's REOPEN_FOR_INFO). An answered ticket keeps it
                # too: the triagers read the answer against it.
                self.missing = []
            if before is Status.POSTPONED:  # however it left (woken, rejected, returned)
                self.postponed_from = self.postponed_until = None
                self.postponed_public = False
                self.timers.pop(timers.WAKE, None)
            payload |= {"from": before.value, "to": after.value}
            # SLA clocks, nudges and reminders follow the status: the scheduler re-plans them.
            self.timers[timers.REVIEW] = now
        self.updated_at = now
        event = Event(self.number, kind, now, actor.ref, public, payload)
        if public:
            self.last_update_at, self.last_update = now, event.summary
        return Change(event, wip, require_finished)

    def _check(self, action: Action) -> None:
        next_status(self.status, action, self.postponed_from)  # raises IllegalTransition

    def _require(self, actor: Actor, what: str, *roles: str, owner: bool = False) -> None:
        if owner and actor.is_staff and actor.id == self.owner:
            return
        if roles and actor.has_role(*roles):
            return
        who = " or ".join([*(["the owner"] if owner else []), *roles])
        raise Forbidden(f"only {who} may {what} ticket #{self.number}")

    def _release_wip(self) -> tuple[WipChange, ...]:
        """The owner's open-ticket count drops; they stay on record."""
        self.escalation = None
        return (WipChange(self.owner, -1),) if self.owner else ()

    def _release_owner(self) -> tuple[WipChange, ...]:
        wip = self._release_wip()
        self.owner = None
        return wip
