"""Ending: rejected, resolved, confirmed, closed, withdrawn where it came from, reopened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import events as ev
from ..actors import Actor
from ..errors import Forbidden, IllegalTransition, NotDone, ValidationFailed
from ..flow import Member
from ..lifecycle import Action, Status
from .record import Change, TicketRecord, WipChange


class EndingMixin(TicketRecord):
    """How work ends, and starts again."""

    def reject(self, *, now: datetime, actor: Actor, reason: str) -> Change:
        self._require(actor, "reject", "triager", "bugmeister", owner=True)
        self._check(Action.REJECT)
        wip = self._release_wip()
        return self._change(
            Action.REJECT, actor, now, ev.REJECTED, public=True, data={"reason": reason}, wip=wip
        )

    def resolve(
        self,
        *,
        now: datetime,
        actor: Actor,
        checked: list[int],
        summary: str,
        unfinished: list[int],
    ) -> Change:
        """Only when every acceptance criterion is checked and every sub-ticket and dependency
        is finished; the repository re-checks the latter when it commits."""
        self._require(actor, "resolve", owner=True)
        self._check(Action.RESOLVE)
        unchecked = [i for i in range(len(self.acceptance_criteria)) if i not in set(checked)]
        if unchecked:
            listed = "; ".join(f"{i + 1}. {self.acceptance_criteria[i]}" for i in unchecked)
            raise ValidationFailed(
                {"checked": f"tick every acceptance criterion to resolve; not ticked yet: {listed}"}
            )
        if unfinished:
            raise NotDone(
                f"ticket #{self.number} waits for " + ", ".join(f"#{n}" for n in unfinished)
            )
        wip = self._release_wip()
        return self._change(
            Action.RESOLVE,
            actor,
            now,
            ev.RESOLVED,
            public=True,
            data={"summary": summary, "criteria": list(self.acceptance_criteria)},
            wip=wip,
            require_finished=tuple(dict.fromkeys([*self.children, *self.depends_on])),
        )

    def reopen(
        self,
        *,
        now: datetime,
        actor: Actor,
        reason: str,
        data: dict[str, Any] | None = None,
        back_to: Member | None = None,
        not_back: str = "",
    ) -> Change:
        """Open again: to `back_to`, its last owner, when the caller found them on the team
        with room (their WIP limit is the transaction's condition); else to triage, noting the
        last owner and why (`not_back`) so that they are told."""
        if not (
            actor.is_staff
            or actor.kind == "source"  # reopened where it came from (a GitHub issue)
            or (actor.kind == "requester" and actor.id == self.requester.email)
        ):
            raise Forbidden(f"only the requester or staff may reopen ticket #{self.number}")
        self._check(Action.REOPEN)
        if actor.kind == "source":  # the tool speaks again; it never answers a question
            self.missing = []
        previous, self.owner = self.owner, None
        self.eta = None
        self.merged_into = None  # a merged duplicate reopened is a request of its own again
        data = {"reason": reason, **(data or {})}
        if back_to is not None and back_to.id == previous and not self.missing:
            self.owner = back_to.id
            data["owner"] = back_to.id
            wip = (WipChange(back_to.id, +1, back_to.wip_limit),)
            return self._change(
                Action.REOPEN_TO_OWNER, actor, now, ev.REOPENED, public=True, data=data, wip=wip
            )
        if previous:
            data["previous_owner"] = previous
        if previous and not_back:
            data["not_back"] = not_back
        # Closed for want of an answer: it goes back to waiting for that answer.
        action = Action.REOPEN_FOR_INFO if self.missing else Action.REOPEN
        return self._change(action, actor, now, ev.REOPENED, public=True, data=data)

    def withdraw(
        self, *, now: datetime, actor: Actor, reason: str, data: dict[str, Any] | None = None
    ) -> Change:
        """Closed where it came from (its issue was closed, its alert resolved): open work
        stops and the owner's WIP drops; a resolved ticket is confirmed closed."""
        if actor.kind != "source":
            raise Forbidden(f"only the tool ticket #{self.number} came from may withdraw it")
        self._check(Action.WITHDRAW)
        wip = self._release_wip() if self.is_open else ()
        return self._change(
            Action.WITHDRAW,
            actor,
            now,
            ev.WITHDRAWN,
            public=True,
            data={"reason": reason, **(data or {})},
            wip=wip,
        )

    def resolve_at_source(
        self, *, now: datetime, actor: Actor, reason: str, data: dict[str, Any] | None = None
    ) -> Change:
        """The tool it came from says it is over (its alert resolved): resolved, the owner's
        WIP freed; it reopens if the tool speaks of it again."""
        if actor.kind != "source":
            raise Forbidden(f"only the tool ticket #{self.number} came from may resolve it so")
        self._check(Action.RESOLVE_AT_SOURCE)
        wip = self._release_wip()
        return self._change(
            Action.RESOLVE_AT_SOURCE,
            actor,
            now,
            ev.RESOLVED_AT_SOURCE,
            public=True,
            data={"reason": reason, **(data or {})},
            wip=wip,
        )

    def confirm(self, *, now: datetime, actor: Actor) -> Change:
        """The requester confirms the resolution meets the acceptance criteria: closed."""
        if not (actor.kind == "requester" and actor.id == self.requester.email):
            raise Forbidden(f"only the requester may confirm ticket #{self.number}")
        self._check(Action.CLOSE)
        if self.status is not Status.RESOLVED:
            raise IllegalTransition(Action.CLOSE.value, self.status.value)
        return self._change(
            Action.CLOSE, actor, now, ev.CONFIRMED, public=True, data={"confirmed": True}
        )

    def close(self, *, now: datetime, actor: Actor) -> Change:
        self._require(actor, "close", "triager", "bugmeister", owner=True)
        return self._change(Action.CLOSE, actor, now, ev.CLOSED, public=True)
