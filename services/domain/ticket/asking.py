"""Asking the requester by hand: a person names what they need and says why."""

from __future__ import annotations

from datetime import datetime

from .. import events as ev
from ..actors import Actor
from ..errors import ValidationFailed
from ..lifecycle import Action
from .record import Change, TicketRecord


class AskingMixin(TicketRecord):
    """A triager, the bugmeister or the owner asks the requester for more."""

    def ask_for_info(
        self, *, now: datetime, actor: Actor, fields: list[str], message: str
    ) -> Change:
        """The ticket waits on the requester for `fields` (their add-information form shows
        them), with `message` in the asker's words. An owner who asks gives the ticket back:
        nobody carries work that cannot go on, and the answer comes through triage again."""
        self._require(actor, "ask the requester of", "triager", "bugmeister", owner=True)
        self._check(Action.ASK_FOR_INFO)
        if not fields:
            raise ValidationFailed({"fields": "name at least one thing to ask for"})
        previous = self.owner
        wip = self._release_owner()
        self.missing = list(dict.fromkeys(fields))
        data: dict[str, object] = {"missing": list(self.missing), "message": message}
        if previous:
            data["previous_owner"] = previous
        return self._change(
            Action.ASK_FOR_INFO, actor, now, ev.INFO_REQUESTED, public=True, data=data, wip=wip
        )
