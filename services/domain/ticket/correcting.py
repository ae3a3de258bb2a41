"""Correcting what was asked: fields, the type, the private flag, each change on record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import events as ev
from .. import timers
from ..actors import Actor
from ..corrections import CORRECTABLE, json_value
from ..errors import Forbidden, NothingChanged
from ..lifecycle import Action
from .record import Change, TicketRecord

# What the scheduler plans from: a new type has other SLA targets, a new drop-dead date other
# reminders.
_REPLANNED = frozenset({"type", "drop_dead_date"})
# What a tool's edit of its issue may change (its title and its text).
_TOOLS_EDIT = ("title", "requirements")


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

    def edit_at_source(
        self,
        *,
        now: datetime,
        actor: Actor,
        values: dict[str, str],
        said: dict[str, dict[str, str]] | None = None,
        reason: str,
        url: str = "",
    ) -> Change:
        """The tool it came from edited what it said: the ticket's `values` (its title, its
        text) become the tool's, and `said` records an edit that is no field of the ticket (a
        comment's text), before and after. One edit event, as a correction; NothingChanged
        when nothing did."""
        if actor.kind != "source":
            raise Forbidden(f"only the tool ticket #{self.number} came from may edit it so")
        unknown = sorted(set(values) - set(_TOOLS_EDIT))
        if unknown:
            raise ValueError(f"not a field a tool edits: {', '.join(unknown)}")
        self._check(Action.EDIT)
        changes: dict[str, dict[str, Any]] = {
            name: {"before": getattr(self, name), "after": value}
            for name, value in values.items()
            if getattr(self, name) != value
        }
        changes |= {name: dict(c) for name, c in (said or {}).items() if c["before"] != c["after"]}
        if not changes:
            raise NothingChanged()
        for name in set(changes) & set(values):
            setattr(self, name, values[name])
        data: dict[str, Any] = {"changes": changes, "reason": reason}
        if url:
            data["url"] = url
        return self._change(Action.EDIT, actor, now, ev.EDITED, public=False, data=data)
