"""Watchers: who else hears of the ticket's public updates (domain/watchers.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .. import events as ev
from ..actors import Actor
from ..errors import AlreadyDone, Forbidden, ValidationFailed
from ..lifecycle import Action
from ..watchers import MAX_WATCHERS
from .record import Change, TicketRecord


class WatchingMixin(TicketRecord):
    """Staff add and remove watchers; the requester drops a CC; a watcher leaves."""

    def change_watchers(
        self, *, now: datetime, actor: Actor, add: Sequence[str], remove: Sequence[str]
    ) -> Change:
        """Addresses (lower case, checked by the caller's schema) in and out. Adding one that
        watches already, or removing one that does not, changes nothing; a change that
        changes nothing at all is AlreadyDone."""
        if not actor.is_staff:
            raise Forbidden(f"only staff may add or remove watchers of ticket #{self.number}")
        self._check(Action.WATCH)
        both = sorted(set(add) & set(remove))
        if both:
            raise ValidationFailed({"remove": f"both added and removed: {', '.join(both)}"})
        if self.requester.email in add:
            raise ValidationFailed(
                {"add": f"{self.requester.email} is the requester: they hear of every update"}
            )
        added = [a for a in dict.fromkeys(add) if a not in self.watchers]
        removed = [a for a in dict.fromkeys(remove) if a in self.watchers]
        if not (added or removed):
            raise AlreadyDone(f"nothing to change in the watchers of ticket #{self.number}")
        kept = [w for w in self.watchers if w not in removed]
        if len(kept) + len(added) > MAX_WATCHERS:
            raise ValidationFailed(
                {"add": f"a ticket has at most {MAX_WATCHERS} watchers; remove some first"}
            )
        self.watchers = kept + added
        return self._change(
            Action.WATCH,
            actor,
            now,
            ev.WATCHERS_CHANGED,
            public=False,
            data={"added": added, "removed": removed},
        )

    def drop_watcher(self, *, now: datetime, actor: Actor, address: str) -> Change:
        """The requester takes a CC off their ticket, or a watcher leaves by the signed link
        of their mail (Actor kind "watcher", its id their address)."""
        address = address.lower()
        by_requester = actor.kind == "requester" and actor.id == self.requester.email
        if not (by_requester or (actor.kind == "watcher" and actor.id == address)):
            raise Forbidden(
                f"only the requester or the watcher may drop a watcher of #{self.number}"
            )
        self._check(Action.WATCH)
        if address not in self.watchers:
            raise AlreadyDone(f"{address} does not get the mail of ticket #{self.number}")
        self.watchers = [w for w in self.watchers if w != address]
        return self._change(
            Action.WATCH,
            actor,
            now,
            ev.WATCHERS_CHANGED,
            public=False,
            data={"removed": [address], "by": "requester" if by_requester else "unsubscribed"},
        )
