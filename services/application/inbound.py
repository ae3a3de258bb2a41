"""Apply one recorded delivery (a webhook or a mail) to the queue, exactly once.

Every change carries the delivery's receipt in its transaction, so a redelivered message
finds it applied and changes nothing; a delivery that changes no ticket is settled with the
reason. One ticket per tool thread (an issue, an alert group): the link is written with the
filing, and a second filing for the same thread loses the race and comments instead. What a
tool's delivery does to its ticket is decided in tool_deliveries.py.

A thread is keyed by the tool's instance too (Inbound.thread); a ticket filed when keys did
not name it is found by the old key (Inbound.old_thread) and adopted: the change links the
new key to it, and the event says so (`thread`), so a second instance that shared the old
key files a ticket of its own instead of adopting it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.mail_in.files import not_kept_note
from services.application.retry import retry_on_conflict
from services.application.tool_deliveries import FileAgain, Said, decide, firing_state
from services.domain import events as ev
from services.domain import threading
from services.domain.actors import Actor
from services.domain.attachments import Limits, refs_data, room_left
from services.domain.errors import AlreadyDone, TicketNotFound, ValidationFailed
from services.domain.flow import FlowConfig, Member
from services.domain.inbound import Inbound, InboundAction
from services.domain.ports import Clock, Inbox, TicketRepository
from services.domain.ticket import Change, Ticket
from services.domain.ticket.attaching import carrying

# The inbound queue dead-letters after 5 receives (infra/resources/queues.yml): a delivery
# that is still waiting for its thread's ticket is settled as ignored on the 4th.
LAST_TRY = 4
A = InboundAction


class NotYet(Exception):
    """A comment, close or resolve for a thread whose opening has not been applied yet: the
    queue keeps no order, so it waits for its turn (the queue tries it again later)."""


@dataclass(frozen=True)
class InboundDeps:
    tickets: TicketRepository
    inbox: Inbox
    flow: FlowConfig
    clock: Clock
    secret_key: str
    limits: Limits = Limits()  # a mail's files: how many a ticket may hold

    @property
    def ticket_deps(self) -> TicketDeps:
        return TicketDeps(self.tickets, self.flow, self.clock, self.secret_key)


def apply(message: Inbound, deps: InboundDeps, *, last_try: bool = True) -> str:
    """What became of the delivery, in words ("filed #12", "applied to #12", "ignored: ...").
    Before its `last_try`, a delivery for a thread with no ticket yet raises NotYet."""
    try:
        # Someone may change the ticket, or file for the thread, meanwhile: decide again.
        return retry_on_conflict(lambda: _apply(message, deps, last_try))
    except AlreadyDone:
        return "duplicate: applied before"


def _apply(m: Inbound, deps: InboundDeps, last_try: bool) -> str:
    number, adopting = _linked(m, deps)
    if number is None:
        if m.action is A.OPEN:
            return _file(m, deps)
        if not last_try:
            raise NotYet(f"no ticket for {m.thread} yet")
        return _settle(m, deps, f"ignored: no ticket was filed for {m.thread}")
    try:
        ticket = deps.tickets.get(number)
    except TicketNotFound:
        return _settle(m, deps, f"ignored: there is no ticket #{number}")
    change = _decide(ticket, m, deps, adopting)
    if isinstance(change, str):
        return _settle(m, deps, f"ignored: {change}")
    if isinstance(change, FileAgain):  # the new key's link moves, the old key's stays
        return _file(m, deps, follows=change.follows, relink=not adopting)
    deps.tickets.save(ticket, change, receipt=m, thread=m.thread if adopting else "")
    return f"applied to #{number}"


def _linked(m: Inbound, deps: InboundDeps) -> tuple[int | None, bool]:
    """The ticket the delivery is for, and whether it was found by the thread's old key only
    (then the change adopts it: see the module's doc)."""
    if m.ticket or not m.thread:
        return m.ticket, False
    number = deps.inbox.linked(m.thread)
    if number is not None or not m.old_thread:
        return number, False
    number = deps.inbox.linked(m.old_thread)
    if number is None:
        return None, False
    adopted = (e.data.get("thread") for e in deps.tickets.history(number))
    if any(thread and thread != m.thread for thread in adopted):
        return None, False  # another instance of the tool has it: this one's is new
    return number, True


def _settle(m: Inbound, deps: InboundDeps, outcome: str) -> str:
    return outcome if deps.inbox.settle(m, outcome) else "duplicate: applied before"


def _file(m: Inbound, deps: InboundDeps, follows: int | None = None, relink: bool = False) -> str:
    """A ticket for the delivery (`follows`: the finished ticket of its thread, whose link
    moves to the new one when `relink`)."""
    if m.source == "email":
        config = deps.flow.email
        if config is None:
            return _settle(m, deps, "ignored: mail intake is not configured")
        actor = None  # the sender is the requester
    else:
        if m.source not in deps.flow.hooks:
            return _settle(m, deps, f"ignored: {m.source} is no longer configured")
        actor = Actor.source(m.source, m.author)
    details: dict[str, Any] = {k: v for k, v in (("url", m.url), ("author", m.author)) if v}
    if m.attachments:  # a new mail's files, on its filing's event
        details["attachments"] = refs_data(m.attachments)
    details |= firing_state(m) | ({"labels": m.labels} if m.labels else {})
    if follows is not None:
        details["follows"] = follows
    try:
        filed = file_ticket(
            m.draft,
            deps.ticket_deps,
            source=m.source,
            require_complete=False,  # triage asks the requester for what is missing
            actor=actor,
            details=details,
            receipt=m,
            replacing=follows if relink else None,
        )
    except ValidationFailed as e:
        # Checked when it was received; the flow config may have changed since.
        return _settle(m, deps, f"ignored: the ticket is not valid now ({e})")
    return f"filed #{filed.ticket.number}"


def _decide(
    ticket: Ticket, m: Inbound, deps: InboundDeps, adopting: bool
) -> Change | FileAgain | str:
    """The change a delivery makes to its ticket, or why it makes none."""
    if m.source == "email":
        return _mail_with_files(ticket, m, deps)
    where = {k: v for k, v in (("url", m.url), ("author", m.author)) if v}
    if adopting:
        where["thread"] = m.thread
    said = Said(m, deps.flow.hooks.get(m.source), deps.clock.now(), where)
    return decide(ticket, said, deps.tickets)


def _mail_reply(ticket: Ticket, m: Inbound, deps: InboundDeps) -> Change | str:
    """The requester's reply lands on the ticket; a team member's is a comment (see
    _team_mail); anyone else's is refused (recorded for the team, and the sender hears why).
    From is trusted only with proof: the requester's on a private ticket, by the transport's
    word or a reply to our mail; a team member's always, and only as strong as a token: a
    reply to our mail to them (DESIGN.md, "Who a mail is from")."""
    now = deps.clock.now()
    sender = (m.author_email or "").lower()
    if not sender:
        return "a reply without a sender"
    key = threading.proof_key(deps.secret_key)
    answered = threading.proven(key, ticket.number, sender, m.sender_proofs)
    member = next((x for x in deps.flow.team.members if x.email.lower() == sender), None)
    if sender == ticket.requester.email and (answered or m.sender_verified or not ticket.private):
        actor = Actor.requester(sender, m.author)
        return ticket.reply(now=now, actor=actor, message=m.message)
    if member is not None and answered:
        return _team_mail(ticket, m, member, deps)
    # Once per sender and ticket: a forged From must not make us mail someone again and again.
    refused = (e for e in deps.tickets.history(ticket.number) if e.kind == ev.MAIL_REFUSED)
    if any(e.data.get("from") == sender for e in refused):
        return f"{sender} was refused on ticket #{ticket.number} before"
    proven = answered or m.sender_verified
    return _refusal(ticket, now, sender, staff=member is not None, proven=proven)


def _refusal(ticket: Ticket, now: datetime, sender: str, *, staff: bool, proven: bool) -> Change:
    """Why, in the team's words; only a proven stranger hears of it (a team member refused
    hears as the team does)."""
    if staff:
        reason = "a team member's mail counts only as a reply to a mail of the ticket"
    elif sender == ticket.requester.email:
        reason = "nothing proved the mail comes from its From address"
    else:
        reason = "only the requester and the team may write to a ticket"
    return ticket.refuse_mail(now=now, sender=sender, reason=reason, proven=proven and not staff)


def _team_mail(ticket: Ticket, m: Inbound, member: Member, deps: InboundDeps) -> Change:
    """A team member's mail is an internal note, unless it went to the requester as well (To
    or Cc): then the requester has read it already, and it is public. Nothing else makes a
    mail public, so a note meant for the team never leaves it by a slip of the subject."""
    public = ticket.requester.email in m.recipients
    data: dict[str, Any] = {"via": "mail"}
    if public:  # they have it: the public copies skip them (mail_rules)
        data["recipients"] = list(m.recipients)
    return ticket.comment(
        now=deps.clock.now(), actor=Actor.staff(member), message=m.message, public=public, data=data
    )


def _mail_with_files(ticket: Ticket, m: Inbound, deps: InboundDeps) -> Change | str:
    """A mail's files ride on the reply or the comment it makes (never on a refusal), as many
    as the ticket has room for; its text says which were not kept, and why."""
    room = room_left(deps.tickets.history(ticket.number), deps.limits) if m.attachments else 0
    kept, over = m.attachments[:room], m.attachments[room:]
    if over:
        why = f"the ticket holds at most {deps.limits.per_ticket} files"
        note = not_kept_note([(a.name, why) for a in over])
        m = m.model_copy(update={"message": f"{m.message}\n\n{note}".strip()})
    change = _mail_reply(ticket, m, deps)
    if isinstance(change, str) or change.event is None:
        return change
    return carrying(change, kept) if change.event.kind in (ev.REPLIED, ev.COMMENTED) else change
