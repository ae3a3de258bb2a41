"""The Ticket: what was asked, where it stands, and the only code that changes it.

Each action checks who may do it and whether the ticket's state allows it, changes the
ticket, and returns a Change: the one event to write with it, the WIP counters to move, and
the other tickets that must be finished at commit time. The repository writes all of that
in one transaction, or nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from . import events as ev
from . import timers
from .actors import Actor
from .errors import AlreadyDone, Conflict, Forbidden, IllegalTransition, NotDone, ValidationFailed
from .events import Event
from .flow import Member, TicketType
from .intake import Requester, TicketDraft
from .lifecycle import Action, Status, next_status
from .triage_rules import Complexity

FINISHED = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED})


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
    # The storage's optimistic-lock counter; the domain carries it and never reads it.
    version: int | None = None

    # -- filing ------------------------------------------------------------------------------

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
    ) -> tuple[Ticket, Event]:
        fields = draft.model_dump(exclude={"requester", "private"})
        ticket = cls(
            number=number,
            requester=draft.requester,
            private=draft.private or ticket_type.always_private,
            created_at=now,
            updated_at=now,
            status_since=now,
            token_salt=token_salt,
            token_digest=token_digest,
            parent=parent,
            timers={timers.REVIEW: now},  # its SLA clocks start now: the scheduler plans them
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

    # -- queries -----------------------------------------------------------------------------

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

    def copy(self) -> Ticket:
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
        )

    # -- mechanics ---------------------------------------------------------------------------

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
        to: Status | None = None,
    ) -> Change:
        before = self.status
        after = to if to is not None else next_status(before, action, self.postponed_from)
        payload = dict(data or {})
        if after != before:
            self.status = after
            self.status_since = now
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

    # -- actions -----------------------------------------------------------------------------

    def acknowledge(self, *, now: datetime, recipients: list[str]) -> Change:
        """Record that the requester and the team were told; once per ticket."""
        if self.acknowledged_at is not None:
            raise AlreadyDone(f"ticket {self.number} was acknowledged already")
        change = self._change(
            Action.ACKNOWLEDGE,
            Actor.system("notify"),
            now,
            ev.TICKET_ACKNOWLEDGED,
            public=True,
            data={"recipients": recipients},
        )
        self.acknowledged_at = now
        return change

    def request_info(self, *, now: datetime, missing: list[str], actor: Actor) -> Change:
        self._check(Action.REQUEST_INFO)
        self.missing = list(missing)
        return self._change(
            Action.REQUEST_INFO,
            actor,
            now,
            ev.INFO_REQUESTED,
            public=True,
            data={"missing": missing},
        )

    def add_info(self, *, now: datetime, actor: Actor, values: dict[str, Any]) -> Change:
        """The requester completes the ticket; it goes back through triage."""
        if (
            not (actor.kind == "requester" and actor.id == self.requester.email)
            and not actor.is_staff
        ):
            raise Forbidden(f"only the requester may add information to ticket #{self.number}")
        self._check(Action.ADD_INFO)
        for name, value in values.items():
            setattr(self, name, value)
        self.missing = []
        return self._change(
            Action.ADD_INFO, actor, now, ev.INFO_ADDED, public=True, data={"fields": sorted(values)}
        )

    def triage(
        self,
        *,
        now: datetime,
        actor: Actor,
        complexity: Complexity,
        skills: list[str],
        owner: Member | None,
        routing: str,
    ) -> Change:
        """Complete: store the assessment and, when there is an obvious owner, assign them."""
        self._check(Action.TRIAGE)
        self.complexity = complexity
        self.skills = list(skills)
        self.missing = []
        data: dict[str, Any] = {
            "complexity": complexity.size,
            "reasons": list(complexity.reasons),
            "skills": list(skills),
            "routing": routing,
        }
        if owner is None:
            return self._change(Action.TRIAGE, actor, now, ev.TRIAGED, public=True, data=data)
        self.owner = owner.id
        data["owner"] = owner.id
        return self._change(
            Action.TRIAGE,
            actor,
            now,
            ev.TRIAGED,
            public=True,
            data=data,
            wip=(WipChange(owner.id, +1, owner.wip_limit),),
            to=Status.ASSIGNED,
        )

    def take(self, *, now: datetime, actor: Actor) -> Change:
        self._require(actor, "take", "engineer")
        if self.owner is not None and self.is_open:  # the message a losing racer needs
            raise Conflict(f"ticket #{self.number} is already owned by {self.owner}")
        self._check(Action.TAKE)
        self.owner = actor.id
        return self._change(
            Action.TAKE,
            actor,
            now,
            ev.ASSIGNED,
            public=True,
            data={"owner": actor.id, "how": "taken"},
            wip=(WipChange(actor.id, +1, actor.wip_limit),),
        )

    def assign(
        self, *, now: datetime, actor: Actor, to: Member, override_reason: str = ""
    ) -> Change:
        self._require(actor, "assign", "triager", "bugmeister")
        self._check(Action.ASSIGN)
        if "engineer" not in to.roles:
            raise ValidationFailed({"owner": f"{to.id} is not an engineer"})
        if self.owner == to.id:
            raise AlreadyDone(f"ticket #{self.number} is already owned by {to.id}")
        override_reason = override_reason.strip()
        previous = self.owner
        wip = (
            *self._release_owner(),
            WipChange(to.id, +1, None if override_reason else to.wip_limit),
        )
        self.owner = to.id
        self.timers[timers.REVIEW] = now  # drop-dead reminders go to the new owner
        data = {"owner": to.id, "how": "assigned", "previous_owner": previous}
        if override_reason:
            data["override_reason"] = override_reason
        return self._change(Action.ASSIGN, actor, now, ev.ASSIGNED, public=True, data=data, wip=wip)

    def start(self, *, now: datetime, actor: Actor) -> Change:
        self._require(actor, "start", owner=True)
        return self._change(Action.START, actor, now, ev.STARTED, public=True)

    def update(
        self,
        *,
        now: datetime,
        actor: Actor,
        message: str,
        eta: date | None,
        reason: str,
        public: bool,
    ) -> Change:
        """Every update says when (an ETA) or why not (a reason): RT Flow's "ETA/Reason"."""
        self._require(actor, "update", owner=True)
        self._check(Action.UPDATE)
        if eta is None and not reason.strip():
            raise ValidationFailed(
                {
                    "eta": "an update needs an ETA or a reason",
                    "reason": "an update needs an ETA or a reason",
                }
            )
        if eta is not None and eta < now.date():
            raise ValidationFailed({"eta": "must not be in the past"})
        if eta is not None:
            self.eta = eta
        data = {"message": message, "eta": eta.isoformat() if eta else None, "reason": reason}
        return self._change(Action.UPDATE, actor, now, ev.UPDATED, public=public, data=data)

    def escalate(self, *, now: datetime, actor: Actor, to: Member, reason: str) -> Change:
        self._require(actor, "escalate", owner=True)
        self._check(Action.ESCALATE)
        if "engineer" not in to.roles or to.id == self.owner:
            raise ValidationFailed({"to": "name another engineer to escalate to"})
        if self.escalation is not None:
            raise Conflict(f"ticket #{self.number} is already escalated to {self.escalation.to}")
        self.escalation = Escalation(to=to.id, by=actor.id, reason=reason, at=now)
        return self._change(
            Action.ESCALATE,
            actor,
            now,
            ev.ESCALATED,
            public=False,
            data={"to": to.id, "reason": reason},
        )

    def _require_escalatee(self, actor: Actor, what: str) -> Escalation:
        if self.escalation is None:
            raise Conflict(f"ticket #{self.number} is not escalated")
        if not (actor.is_staff and actor.id == self.escalation.to):
            raise Forbidden(f"only {self.escalation.to} may {what} this escalation")
        return self.escalation

    def accept_escalation(self, *, now: datetime, actor: Actor) -> Change:
        escalation = self._require_escalatee(actor, "accept")
        self._check(Action.ACCEPT_ESCALATION)
        wip = (*self._release_owner(), WipChange(actor.id, +1, actor.wip_limit))
        self.owner = actor.id
        return self._change(
            Action.ACCEPT_ESCALATION,
            actor,
            now,
            ev.ESCALATION_ACCEPTED,
            public=False,
            data={"owner": actor.id, "previous_owner": escalation.by},
            wip=wip,
        )

    def decline_escalation(self, *, now: datetime, actor: Actor, reason: str) -> Change:
        escalation = self._require_escalatee(actor, "decline")
        self._check(Action.DECLINE_ESCALATION)
        self.escalation = None
        return self._change(
            Action.DECLINE_ESCALATION,
            actor,
            now,
            ev.ESCALATION_DECLINED,
            public=False,
            data={"reason": reason, "escalated_by": escalation.by},
        )

    def return_to_triage(self, *, now: datetime, actor: Actor, reason: str) -> Change:
        self._require(actor, "return to triage", owner=True)
        self._check(Action.RETURN_TO_TRIAGE)
        previous = self.owner
        wip = self._release_owner()
        return self._change(
            Action.RETURN_TO_TRIAGE,
            actor,
            now,
            ev.RETURNED_TO_TRIAGE,
            public=False,
            data={"reason": reason, "previous_owner": previous},
            wip=wip,
        )

    def reject(self, *, now: datetime, actor: Actor, reason: str) -> Change:
        self._require(actor, "reject", "triager", "bugmeister", owner=True)
        self._check(Action.REJECT)
        wip = self._release_wip()
        return self._change(
            Action.REJECT, actor, now, ev.REJECTED, public=True, data={"reason": reason}, wip=wip
        )

    def resolve(
        self,
        *,
        now: datetime,
        actor: Actor,
        checked: list[int],
        summary: str,
        unfinished: list[int],
    ) -> Change:
        """Only when every acceptance criterion is checked and every sub-ticket and dependency
        is finished; the repository re-checks the latter when it commits."""
        self._require(actor, "resolve", owner=True)
        self._check(Action.RESOLVE)
        unchecked = [i for i in range(len(self.acceptance_criteria)) if i not in set(checked)]
        if unchecked:
            listed = "; ".join(f"{i + 1}. {self.acceptance_criteria[i]}" for i in unchecked)
            raise ValidationFailed(
                {"checked": f"every acceptance criterion must be checked: not {listed}"}
            )
        if unfinished:
            raise NotDone(
                f"ticket #{self.number} waits for " + ", ".join(f"#{n}" for n in unfinished)
            )
        wip = self._release_wip()
        return self._change(
            Action.RESOLVE,
            actor,
            now,
            ev.RESOLVED,
            public=True,
            data={"summary": summary, "criteria": list(self.acceptance_criteria)},
            wip=wip,
            require_finished=tuple(dict.fromkeys([*self.children, *self.depends_on])),
        )

    def reopen(self, *, now: datetime, actor: Actor, reason: str) -> Change:
        if not (
            actor.is_staff
            or actor.kind == "source"  # reopened where it came from (a GitHub issue)
            or (actor.kind == "requester" and actor.id == self.requester.email)
        ):
            raise Forbidden(f"only the requester or staff may reopen ticket #{self.number}")
        self._check(Action.REOPEN)
        self.owner = None
        self.eta = None
        # Closed for want of an answer: it goes back to waiting for that answer.
        to = Status.NEEDS_INFO if self.missing else Status.TRIAGED
        return self._change(
            Action.REOPEN, actor, now, ev.REOPENED, public=True, data={"reason": reason}, to=to
        )

    def withdraw(
        self, *, now: datetime, actor: Actor, reason: str, data: dict | None = None
    ) -> Change:
        """Closed where it came from (its issue was closed, its alert resolved): open work
        stops and the owner's WIP drops; a resolved ticket is confirmed closed."""
        if actor.kind != "source":
            raise Forbidden(f"only the tool ticket #{self.number} came from may withdraw it")
        self._check(Action.WITHDRAW)
        wip = self._release_wip() if self.is_open else ()
        return self._change(
            Action.WITHDRAW,
            actor,
            now,
            ev.WITHDRAWN,
            public=True,
            data={"reason": reason, **(data or {})},
            wip=wip,
        )

    def comment(
        self,
        *,
        now: datetime,
        actor: Actor,
        message: str,
        public: bool,
        data: dict | None = None,
    ) -> Change:
        """A comment from another tool (an issue comment, an alert firing again), or a staff
        member's mail: recorded in the history, the status unchanged."""
        if actor.kind not in ("source", "staff"):
            raise Forbidden(f"only staff or a connected tool may comment on ticket #{self.number}")
        self._check(Action.COMMENT)
        return self._change(
            Action.COMMENT,
            actor,
            now,
            ev.COMMENTED,
            public=public,
            data={"message": message, **(data or {})},
        )

    def refuse_mail(self, *, now: datetime, sender: str, reason: str) -> Change:
        """Someone who is neither the requester nor staff wrote to the ticket: nothing of
        theirs is added; the team sees the attempt and the sender hears why."""
        self._check(Action.COMMENT)
        return self._change(
            Action.COMMENT,
            Actor.system("mail"),
            now,
            ev.MAIL_REFUSED,
            public=False,
            data={"from": sender, "reason": reason},
        )

    def confirm(self, *, now: datetime, actor: Actor) -> Change:
        """The requester confirms the resolution meets the acceptance criteria: closed."""
        if not (actor.kind == "requester" and actor.id == self.requester.email):
            raise Forbidden(f"only the requester may confirm ticket #{self.number}")
        self._check(Action.CLOSE)
        if self.status is not Status.RESOLVED:
            raise IllegalTransition(Action.CLOSE.value, self.status.value)
        return self._change(
            Action.CLOSE, actor, now, ev.CONFIRMED, public=True, data={"confirmed": True}
        )

    def close(self, *, now: datetime, actor: Actor) -> Change:
        self._require(actor, "close", "triager", "bugmeister", owner=True)
        return self._change(Action.CLOSE, actor, now, ev.CLOSED, public=True)

    def link(
        self,
        *,
        now: datetime,
        actor: Actor,
        depends_on: Ticket,
        transitively: Collection[int] = (),
    ) -> Change:
        """This ticket cannot be resolved before `depends_on` is finished. `transitively`:
        every ticket `depends_on` waits for through others (the caller reads the graph), so
        no cycle of any length can make tickets unresolvable."""
        self._require(actor, "link", "triager", owner=True)
        self._check(Action.LINK)
        if depends_on.number == self.number:
            raise ValidationFailed({"depends_on": "a ticket cannot depend on itself"})
        if depends_on.number in self.depends_on:
            raise AlreadyDone(f"ticket #{self.number} already depends on #{depends_on.number}")
        if len(self.children) + len(self.depends_on) + 1 > self.MAX_WAITS:
            raise ValidationFailed(
                {"depends_on": f"a ticket waits for at most {self.MAX_WAITS} others"}
            )
        if depends_on.number in self.children:
            raise ValidationFailed(
                {
                    "depends_on": f"#{self.number} already waits for its sub-ticket #{depends_on.number}"
                }
            )
        waits = {*depends_on.depends_on, *depends_on.children, *transitively}
        if self.number in waits:
            raise ValidationFailed(
                {
                    "depends_on": f"#{depends_on.number} already waits for #{self.number}: "
                    "the link would make a cycle that nothing can resolve"
                }
            )
        self.depends_on.append(depends_on.number)
        return self._change(
            Action.LINK, actor, now, ev.LINKED, public=False, data={"depends_on": depends_on.number}
        )

    # Resolving checks every sub-ticket and dependency in its one transaction (at most 100
    # items, a few taken by the change itself).
    MAX_WAITS = 90

    def authorize_split(self, actor: Actor, count: int) -> None:
        """Checked before any ticket number is taken for the sub-tickets."""
        self._require(actor, "split", "triager", owner=True)
        self._check(Action.SPLIT)
        if len(self.children) + len(self.depends_on) + count > self.MAX_WAITS:
            raise ValidationFailed(
                {"children": f"a ticket waits for at most {self.MAX_WAITS} others"}
            )

    def split(self, *, now: datetime, actor: Actor, children: list[int]) -> Change:
        self.authorize_split(actor, len(children))
        self.children.extend(children)
        return self._change(
            Action.SPLIT, actor, now, ev.SPLIT, public=True, data={"children": children}
        )

    # -- time --------------------------------------------------------------------------------

    def postpone(
        self, *, now: datetime, actor: Actor, until: datetime, reason: str, public: bool
    ) -> Change:
        self._require(actor, "postpone", owner=True)
        self._check(Action.POSTPONE)
        if until <= now:
            raise ValidationFailed({"until": "must be in the future"})
        if until > now + timedelta(days=5 * 366):
            raise ValidationFailed({"until": "must be within five years"})
        self.postponed_from = self.status
        self.postponed_until = until
        self.postponed_public = public
        self.timers[timers.WAKE] = until
        return self._change(
            Action.POSTPONE,
            actor,
            now,
            ev.POSTPONED,
            public=public,
            data={"until": until.isoformat(), "reason": reason},
        )

    def wake(self, *, now: datetime, actor: Actor, why: str) -> Change:
        """Back to where it was: at its wake time, by hand, or when the requester writes."""
        if actor.kind != "system":  # the requester wakes it by writing: see reply()
            self._require(actor, "wake", "triager", owner=True)
        self._check(Action.WAKE)
        until, public = self.postponed_until, self.postponed_public
        change = self._change(
            Action.WAKE,
            actor,
            now,
            ev.WOKEN,
            public=public,
            data={"why": why, "until": until.isoformat() if until else None},
        )
        self.postponed_from = self.postponed_until = None
        self.postponed_public = False
        self.timers.pop(timers.WAKE, None)
        return change

    def reply(self, *, now: datetime, actor: Actor, message: str) -> Change:
        """The requester writes to the team; a postponed ticket wakes early for it. A ticket
        waiting for information goes to the triagers: a person reads the answer (the text
        fills no field, so an automatic check would only ask the same again)."""
        if not (actor.kind == "requester" and actor.id == self.requester.email):
            raise Forbidden(f"only the requester may reply to ticket #{self.number}")
        data = {"message": message}
        if not self.is_open:  # kept in the history; reopening is the requester's choice
            return self._change(Action.COMMENT, actor, now, ev.REPLIED, public=True, data=data)
        if self.status is Status.NEEDS_INFO:
            self._check(Action.REPLY)
            return self._change(
                Action.REPLY,
                actor,
                now,
                ev.REPLIED,
                public=True,
                data=data | {"woke": True, "missing": list(self.missing)},
                to=Status.TRIAGED,
            )
        if self.status is not Status.POSTPONED:
            return self._change(Action.REPLY, actor, now, ev.REPLIED, public=True, data=data)
        change = self._change(
            Action.WAKE, actor, now, ev.REPLIED, public=True, data=data | {"woke": True}
        )
        self.postponed_from = self.postponed_until = None
        self.postponed_public = False
        self.timers.pop(timers.WAKE, None)
        return change

    def fire(self, name: str, *, now: datetime, data: dict[str, Any] | None = None) -> Change:
        """Fire the timer `name`: remove it, remember it fired, and record what it did."""
        self.timers.pop(name, None)
        if name not in (timers.WAKE, timers.REVIEW):
            self.fired.append(name)
        scheduler = Actor.system("scheduler")
        payload = {"timer": name, **(data or {})}
        if name == timers.WAKE:
            return self.wake(now=now, actor=scheduler, why="the postponement ended")
        kind, _, detail = name.partition(":")
        if kind == "sla-warn":
            return self._change(
                Action.REMIND,
                scheduler,
                now,
                ev.SLA_WARNED,
                public=False,
                data={"target": detail, **payload},
            )
        if kind == "sla-breach":
            if detail not in self.sla_breached:
                self.sla_breached.append(detail)
            return self._change(
                Action.REMIND,
                scheduler,
                now,
                ev.SLA_BREACHED,
                public=False,
                data={"target": detail, **payload},
            )
        if kind == "nudge":
            return self._change(
                Action.REMIND,
                scheduler,
                now,
                ev.NUDGED,
                public=True,
                data={"missing": list(self.missing), **payload},
            )
        if kind == "auto-close":
            return self._change(
                Action.CLOSE,
                scheduler,
                now,
                ev.CLOSED,
                public=True,
                data={"auto": True, "reason": "no answer from the requester", **payload},
            )
        if kind == "drop-dead":
            return self._change(
                Action.REMIND,
                scheduler,
                now,
                ev.DROP_DEAD_NEAR,
                public=False,
                data={
                    "remind": detail,
                    "drop_dead_date": self.drop_dead_date.isoformat()
                    if self.drop_dead_date
                    else None,
                    **payload,
                },
            )
        raise ValueError(f"unknown timer {name!r}")

    def replan(self, planned: dict[str, datetime], *, now: datetime) -> Change:
        """Housekeeping: the scheduler's new plan of timers; no event, nothing to tell."""
        self.timers = dict(planned)
        return Change(event=None)

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
    ) -> tuple[Ticket, Change]:
        """A sub-ticket: a full ticket of the parent's type and requester, already triaged (or
        assigned to `owner`, within their WIP limit)."""
        if owner is not None and "engineer" not in owner.roles:
            raise ValidationFailed({"owner": f"{owner.id} is not an engineer"})
        child = Ticket(
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
