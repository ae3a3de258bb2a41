"""Triage and completeness: asked for what is missing, completed, assessed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import events as ev
from ..actors import Actor
from ..errors import Forbidden
from ..flow import Member
from ..lifecycle import Action
from ..triage_rules import Complexity
from .record import Change, TicketRecord, WipChange


class TriageMixin(TicketRecord):
    """From filed to triaged (or waiting for the requester)."""

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
            Action.TRIAGE_TO_OWNER,
            actor,
            now,
            ev.TRIAGED,
            public=True,
            data=data,
            wip=(WipChange(owner.id, +1, owner.wip_limit),),
        )
