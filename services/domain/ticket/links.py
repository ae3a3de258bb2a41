"""Links and splits: what a ticket waits for before it may be resolved."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from .. import events as ev
from ..actors import Actor
from ..errors import AlreadyDone, ValidationFailed
from ..lifecycle import Action
from .record import Change, TicketRecord


class LinksMixin(TicketRecord):
    """Dependencies and sub-tickets, without cycles and within one transaction."""

    # Resolving checks every sub-ticket and dependency in its one transaction (at most 100
    # items, a few taken by the change itself).
    MAX_WAITS = 90

    def link(
        self,
        *,
        now: datetime,
        actor: Actor,
        depends_on: TicketRecord,
        transitively: Collection[int] = (),
    ) -> Change:
        """This ticket cannot be resolved before `depends_on` is finished. `transitively`:
        every ticket `depends_on` waits for through others (the caller reads the graph), so
        no cycle of any length can make tickets unresolvable."""
        self._require(actor, "link", "triager", owner=True)
        self._check(Action.LINK)
        if depends_on.number == self.number:
            raise ValidationFailed({"depends_on": "a ticket cannot depend on itself"})
        if depends_on.number in self.depends_on:
            raise AlreadyDone(f"ticket #{self.number} already depends on #{depends_on.number}")
        if len(self.children) + len(self.depends_on) + 1 > self.MAX_WAITS:
            raise ValidationFailed(
                {"depends_on": f"a ticket waits for at most {self.MAX_WAITS} others"}
            )
        if depends_on.number in self.children:
            raise ValidationFailed(
                {
                    "depends_on": f"#{self.number} already waits for its sub-ticket #{depends_on.number}"
                }
            )
        waits = {*depends_on.depends_on, *depends_on.children, *transitively}
        if self.number in waits:
            raise ValidationFailed(
                {
                    "depends_on": f"#{depends_on.number} already waits for #{self.number}: "
                    "the link would make a cycle that nothing can resolve"
                }
            )
        self.depends_on.append(depends_on.number)
        return self._change(
            Action.LINK, actor, now, ev.LINKED, public=False, data={"depends_on": depends_on.number}
        )

    def authorize_split(self, actor: Actor, count: int) -> None:
        """Checked before any ticket number is taken for the sub-tickets."""
        self._require(actor, "split", "triager", owner=True)
        self._check(Action.SPLIT)
        if len(self.children) + len(self.depends_on) + count > self.MAX_WAITS:
            raise ValidationFailed(
                {"children": f"a ticket waits for at most {self.MAX_WAITS} others"}
            )

    def split(self, *, now: datetime, actor: Actor, children: list[int]) -> Change:
        self.authorize_split(actor, len(children))
        self.children.extend(children)
        return self._change(
            Action.SPLIT, actor, now, ev.SPLIT, public=True, data={"children": children}
        )
