"""Ownership and work: taken or assigned, started, updated, escalated, returned to triage."""

from __future__ import annotations

from datetime import date, datetime

from .. import events as ev
from .. import timers
from ..actors import Actor
from ..errors import AlreadyDone, Conflict, Forbidden, ValidationFailed
from ..flow import Member
from ..lifecycle import Action
from .record import Change, Escalation, TicketRecord, WipChange


class WorkMixin(TicketRecord):
    """Who works on the ticket, and what they say about it."""

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
