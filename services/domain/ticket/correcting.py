"""Correcting what was asked: fields, the type, the private flag, each change on record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import events as ev
from .. import timers
from ..actors import Actor
from ..corrections import CORRECTABLE, json_value
from ..errors import NothingChanged
from ..lifecycle import Action
from .record import Change, TicketRecord

# What the scheduler plans from: a new type has other SLA targets, a new drop-dead date other
# reminders.
_REPLANNED = frozenset({"type", "drop_dead_date"})


class CorrectingMixin(TicketRecord):
    """A triager, the bugmeister or the owner corrects the ticket."""

    def authorize_edit(self, actor: Actor) -> None:
        """Who may correct, and whether the status allows it: asked before the values are
        checked, so a refusal says so first."""
        self._require(actor, "correct", "triager", "bugmeister", owner=True)
        self._check(Action.EDIT)

    def edit(self, *, now: datetime, actor: Actor, values: dict[str, Any], reason: str) -> Change:
        """Set `values` (checked by the intake schema) and record each field that changed,
        before and after; NothingChanged when none did. A field asked of the requester that
        is filled in now is no longer awaited."""
        self.authorize_edit(actor)
        unknown = sorted(set(values) - set(CORRECTABLE))
        if unknown:
            raise ValueError(f"not a correctable field: {', '.join(unknown)}")
        changes = {
            name: {"before": json_value(getattr(self, name)), "after": json_value(value)}
            for name, value in values.items()
            if getattr(self, name) != value
        }
        if not changes:
            raise NothingChanged()
        for name in changes:
            setattr(self, name, values[name])
        filled = {name for name in changes if values[name] not in (None, "", [])}
        self.missing = [f for f in self.missing if f not in filled]
        if _REPLANNED & set(changes):
            self.timers[timers.REVIEW] = now
        return self._change(
            Action.EDIT,
            actor,
            now,
            ev.EDITED,
            public=False,
            data={"changes": changes, "reason": reason},
        )
