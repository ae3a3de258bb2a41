"""Conversation: the requester's replies, other tools' comments, refused mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import events as ev
from ..actors import Actor
from ..errors import Forbidden
from ..lifecycle import Action, Status
from .record import Change, TicketRecord


class ConversationMixin(TicketRecord):
    """What people and tools say on the ticket."""

    def comment(
        self,
        *,
        now: datetime,
        actor: Actor,
        message: str,
        public: bool,
        data: dict[str, Any] | None = None,
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

    def refuse_mail(
        self, *, now: datetime, sender: str, reason: str, proven: bool = True
    ) -> Change:
        """Someone who is neither the requester nor staff wrote to the ticket, or nothing
        proved that the mail comes from its From: nothing of theirs is added; the team sees
        the attempt, and a proven sender hears why."""
        self._check(Action.COMMENT)
        return self._change(
            Action.COMMENT,
            Actor.system("mail"),
            now,
            ev.MAIL_REFUSED,
            public=False,
            data={"from": sender, "reason": reason, **({} if proven else {"proven": False})},
        )

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
            return self._change(
                Action.ANSWER,
                actor,
                now,
                ev.REPLIED,
                public=True,
                data=data | {"woke": True, "missing": list(self.missing)},
            )
        if self.status is not Status.POSTPONED:
            return self._change(Action.REPLY, actor, now, ev.REPLIED, public=True, data=data)
        return self._change(
            Action.WAKE, actor, now, ev.REPLIED, public=True, data=data | {"woke": True}
        )
