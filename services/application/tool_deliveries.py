"""What a tool's delivery does to the ticket of its thread (services/application/inbound.py
finds the ticket and saves the change): a comment, the tool's issue closed or reopened, an
alert group that fires again (naming the alerts that joined or stopped), resolved.

A tool's ticket follows its tool: an edit of its issue's title or text (or of a comment) is
an edit event with before and after, a repeat that changes nothing is settled without a word,
an alert that fires again after its ticket was finished reopens it (or files anew, per the
hook's `fired_again`), and a resolved one notes, resolves or closes it (`on_resolved`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.domain.actors import Actor
from services.domain.errors import NothingChanged
from services.domain.inbound import Inbound, InboundAction
from services.domain.integrations import SOURCE_LABELS, HookSource
from services.domain.lifecycle import Status
from services.domain.ports import TicketRepository
from services.domain.ticket import Change, Ticket
from services.domain.tool_tickets import FIRING, alert_change, firing_before, listed

A = InboundAction


@dataclass(frozen=True)
class FileAgain:
    """The alert fired again after its ticket was finished, and the hook files anew: a new
    ticket for the thread, following the finished one."""

    follows: int


@dataclass(frozen=True)
class Said:
    """One delivery, as the ticket's change needs it."""

    m: Inbound
    hook: HookSource | None
    now: datetime
    # Where it came from, on every change: its link, its author, and the thread's new key
    # when the ticket was found by the old one (inbound.py's adoption).
    where: dict[str, Any]

    @property
    def label(self) -> str:
        return str(SOURCE_LABELS.get(self.m.source, self.m.source))

    @property
    def actor(self) -> Actor:
        return Actor.source(self.m.source, self.m.author)

    @property
    def by(self) -> str:
        return f" by {self.m.author}" if self.m.author else ""


def firing_state(m: Inbound) -> dict[str, Any]:
    """The event data that remembers which of the group's alerts fire (alerting tools only)."""
    return {FIRING: {a.id: a.name for a in m.alerts if a.firing}} if m.alerts else {}


def decide(ticket: Ticket, said: Said, tickets: TicketRepository) -> Change | FileAgain | str:
    """The change a tool's delivery makes to its ticket, a new filing, or why nothing."""
    m, now, actor, where = said.m, said.now, said.actor, said.where
    if m.action is A.COMMENT:
        public = not m.internal
        return ticket.comment(now=now, actor=actor, message=m.message, public=public, data=where)
    if m.action is A.OPEN:
        return _fired(ticket, said, tickets)
    if m.action is A.EDIT:
        return _edited(ticket, said)
    if m.action is A.REOPEN:
        if ticket.is_open:
            return f"ticket #{ticket.number} is open already"
        reason = f"reopened in {said.label}{said.by}"
        return ticket.reopen(now=now, actor=actor, reason=reason, data=where)
    if m.action is A.CLOSE:
        if not (ticket.is_open or ticket.status is Status.RESOLVED):
            return f"ticket #{ticket.number} is {ticket.status} already"
        reason = f"closed in {said.label}{said.by}"
        return ticket.withdraw(now=now, actor=actor, reason=reason, data=where)
    return _resolved(ticket, said)


def _fired(ticket: Ticket, said: Said, tickets: TicketRepository) -> Change | FileAgain | str:
    """Reported again: a finished ticket reopens (or the thread files anew); an open one
    hears what changed in the group, or nothing when nothing did (a repeat)."""
    m, now, actor = said.m, said.now, said.actor
    data = said.where | firing_state(m)
    if not ticket.is_open:
        if said.hook is not None and said.hook.fired_again == "file":
            return FileAgain(ticket.number)
        firing = [a.name for a in m.alerts if a.firing]
        reason = f"fired again in {said.label}" + (f": {listed(firing)}" if firing else "")
        return ticket.reopen(now=now, actor=actor, reason=reason, data=data)
    if not m.alerts:  # a tool that tells no alerts apart (a Sentry alert rule)
        message = m.message or f"Reported again in {said.label}."
        return ticket.comment(now=now, actor=actor, message=message, public=True, data=data)
    change = alert_change(firing_before(tickets.history(ticket.number)), m.alerts)
    if change.nothing_new:
        return "a repeat: the same alerts still fire"
    moved = {"joined": change.joined, "stopped": change.stopped}
    message = change.words(said.label)
    return ticket.comment(now=now, actor=actor, message=message, public=True, data=data | moved)


def _edited(ticket: Ticket, said: Said) -> Change | str:
    """The issue's title or text edited in the tool: the ticket's take them; a comment's
    edit is recorded, before and after. One edit event ("ticket.edited"), as a correction."""
    m = said.m
    values: dict[str, str] = {name: e.after for name, e in m.edits.items() if name != "comment"}
    comment = m.edits.get("comment")
    also = {"comment": {"before": comment.before, "after": comment.after}} if comment else None
    reason = f"edited in {said.label}{said.by}"
    try:
        return ticket.edit_at_source(
            now=said.now, actor=said.actor, values=values, said=also, reason=reason, url=m.url
        )
    except NothingChanged:
        return "the edit changes nothing the ticket holds"


def _resolved(ticket: Ticket, said: Said) -> Change | str:
    """It stopped: a note, the ticket resolved, or closed, as the hook says (`on_resolved`);
    a note when the ticket is past that already."""
    m, now, actor = said.m, said.now, said.actor
    data = said.where | firing_state(m) | {"resolved": True}
    reason = f"resolved in {said.label}"
    mode = said.hook.on_resolved if said.hook is not None else "note"
    if mode == "close" and (ticket.is_open or ticket.status is Status.RESOLVED):
        return ticket.withdraw(now=now, actor=actor, reason=reason, data=data)
    if mode == "resolve" and ticket.is_open:
        data = data | ({"message": m.message} if m.message else {})
        return ticket.resolve_at_source(now=now, actor=actor, reason=reason, data=data)
    message = m.message or f"Resolved in {said.label}."
    return ticket.comment(now=now, actor=actor, message=message, public=True, data=data)
