"""Attaching files: staff and the requester add files to a ticket (domain/attachments.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime

from .. import events as ev
from ..actors import Actor
from ..attachments import AttachmentRef, Limits, check_room, refs_data, room_left
from ..errors import Forbidden, ValidationFailed
from ..events import Event
from ..lifecycle import Action
from .record import Change, TicketRecord


class AttachingMixin(TicketRecord):
    """Files on the ticket; the bytes are stored before this records them."""

    def may_attach(self, actor: Actor) -> bool:
        """Staff may add files to any ticket, the requester to their own."""
        return actor.is_staff or (actor.kind == "requester" and actor.id == self.requester.email)

    def attach(
        self,
        *,
        now: datetime,
        actor: Actor,
        files: Sequence[AttachmentRef],
        public: bool,
        history: Iterable[Event],
        limits: Limits,
    ) -> Change:
        """Files added on their own, whatever the status (history only, like a comment). The
        requester's are public; staff choose. `history` is the ticket's, read after the
        ticket: the ticket's version guards the count."""
        if not self.may_attach(actor):
            raise Forbidden(f"only staff or the requester may add files to ticket #{self.number}")
        if not files:
            raise ValidationFailed({"file": "choose a file to attach"})
        check_room(len(files), room_left(history, limits), limits)
        self._check(Action.COMMENT)
        return self._change(
            Action.COMMENT,
            actor,
            now,
            ev.ATTACHMENT_ADDED,
            public=public or actor.kind == "requester",
            data={"attachments": refs_data(files)},
        )


def carrying(change: Change, files: Sequence[AttachmentRef]) -> Change:
    """The change with `files` recorded on its event: a mail's files ride on the reply or the
    comment it makes, in the same transaction as its receipt."""
    if not files or change.event is None:
        return change
    data = change.event.data | {"attachments": refs_data(files)}
    return dataclasses.replace(change, event=dataclasses.replace(change.event, data=data))
