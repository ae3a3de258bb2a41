"""Time: postponed and woken, timers fired and re-planned."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .. import events as ev
from .. import timers
from ..actors import Actor
from ..errors import ValidationFailed
from ..lifecycle import Action
from .record import Change, TicketRecord


class TimingMixin(TicketRecord):
    """What the clock does to a ticket."""

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
        until = self.postponed_until
        # Leaving POSTPONED clears the postponement (see TicketRecord._change).
        return self._change(
            Action.WAKE,
            actor,
            now,
            ev.WOKEN,
            public=self.postponed_public,
            data={"why": why, "until": until.isoformat() if until else None},
        )

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

    def replan(self, planned: dict[str, datetime]) -> Change:
        """Housekeeping: the scheduler's new plan of timers; no event, nothing to tell."""
        self.timers = dict(planned)
        return Change(event=None)
