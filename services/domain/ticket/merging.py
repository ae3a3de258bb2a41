"""Merging a duplicate: it closes pointing at the ticket that carries on, whose watchers its
requester and watchers join. Both changes are saved in one transaction (save_merge)."""

from __future__ import annotations

from datetime import datetime

from .. import events as ev
from ..actors import Actor
from ..errors import Conflict
from ..lifecycle import Action
from ..watchers import MAX_WATCHERS
from .record import Change, TicketRecord


class MergingMixin(TicketRecord):
    """A duplicate merged into the ticket that carries on."""

    def merge_into(
        self, *, now: datetime, actor: Actor, target: TicketRecord
    ) -> tuple[Change, Change]:
        """This ticket's change and the target's. Refused (Conflict, 409) into itself, into a
        finished or merged ticket, or when this one was merged already."""
        self.authorize_merge(actor)
        self._mergeable_into(target)
        self._check(Action.MERGE)
        joining = [
            a
            for a in dict.fromkeys([self.requester.email, *self.watchers])
            if a != target.requester.email and a not in target.watchers
        ]
        if len(target.watchers) + len(joining) > MAX_WATCHERS:
            raise Conflict(
                f"#{target.number} would have more than {MAX_WATCHERS} watchers; "
                "remove some of its watchers first"
            )
        wip = self._release_wip()
        self.merged_into = target.number
        change = self._change(
            Action.MERGE,
            actor,
            now,
            ev.MERGED,
            public=True,
            data={"into": target.number, "into_title": target.title},
            wip=wip,
        )
        target.watchers = [*target.watchers, *joining]
        target_change = target._change(
            Action.MERGE_IN,
            actor,
            now,
            ev.DUPLICATE_MERGED,
            public=False,
            data={"duplicate": self.number, "duplicate_title": self.title, "watchers": joining},
        )
        return change, target_change

    def authorize_merge(self, actor: Actor) -> None:
        """Checked before the target is looked for: who may not merge learns that first."""
        self._require(actor, "merge", "triager", "bugmeister")

    def _mergeable_into(self, target: TicketRecord) -> None:
        if target.number == self.number:
            raise Conflict(f"ticket #{self.number} cannot be merged into itself")
        if self.merged_into is not None:
            raise Conflict(f"ticket #{self.number} was merged into #{self.merged_into} already")
        if target.merged_into is not None:
            raise Conflict(
                f"#{target.number} was merged into #{target.merged_into}: merge into that one"
            )
        if not target.is_open:
            raise Conflict(
                f"#{target.number} is {target.status.value}: merge only into an open ticket"
            )
