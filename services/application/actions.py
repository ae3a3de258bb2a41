"""Staff and requester actions on a ticket: `POST /api/v1/tickets/<n>/<action>` and the
console's forms both come here. Each action has a body schema and one domain call; the change
is saved in one transaction, re-read and re-decided when someone else changed the ticket
first (so two people taking one ticket end with one owner and one clear 409)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from services.application import talk_and_correct
from services.application.deps import TicketDeps
from services.application.retry import retry_on_conflict
from services.domain.actors import Actor
from services.domain.drafts import Items, RequiredText, Title, field_errors, validate_draft
from services.domain.errors import TicketNotFound, ValidationFailed
from services.domain.events import Event
from services.domain.flow import OPTIONAL_FIELDS, FlowConfig, Member
from services.domain.ticket import FINISHED, Change, Ticket
from services.domain.tokens import new_salt, status_token, token_digest

_Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
_Optional = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Empty(_Body):
    pass


class Assign(_Body):
    owner: str
    override_reason: _Optional = ""


class Update(_Body):
    message: RequiredText
    eta: date | None = None
    reason: _Optional = ""
    public: bool = True


class Escalate(_Body):
    to: str
    reason: _Reason


class WithReason(_Body):
    reason: _Reason


class Resolve(_Body):
    checked: list[int] = []
    summary: _Reason


class SubTicket(_Body):
    title: Title
    requirements: RequiredText
    acceptance_criteria: Items = []
    owner: str | None = None


class Split(_Body):
    # Each sub-ticket is three items of the one transaction (ticket, event, WIP counter).
    children: Annotated[list[SubTicket], Field(min_length=1, max_length=20)]


class Link(_Body):
    depends_on: int


class Reply(_Body):
    message: RequiredText


class Postpone(_Body):
    until: AwareDatetime  # with its time zone: "2026-12-01T09:00:00+01:00"
    reason: _Reason
    public: bool = True


def _member(flow: FlowConfig, member_id: str, field: str) -> Member:
    member = flow.member(member_id)
    if member is None:
        raise ValidationFailed({field: f"no team member {member_id!r}"})
    return member


def _unfinished(ticket: Ticket, deps: TicketDeps) -> list[int]:
    waiting = [*ticket.children, *ticket.depends_on]
    found = deps.tickets.get_many(waiting)
    return [n for n in dict.fromkeys(waiting) if n not in found or found[n].status not in FINISHED]


def _reopen(ticket: Ticket, body: WithReason, actor: Actor, deps: TicketDeps) -> Change:
    """Back to the last owner if they are still an engineer of the team with room under
    their WIP limit; else to triage, and the ticket says why (the owner is told)."""
    last = deps.flow.member(ticket.owner) if ticket.owner else None
    why = ""
    if ticket.owner and (last is None or "engineer" not in last.roles):
        why = f"{ticket.owner} is no longer an engineer of the team"
    elif last is not None:
        held = deps.tickets.open_counts([last.id]).get(last.id, 0)
        if held >= last.wip_limit:
            why = f"{last.name} is at their WIP limit ({last.wip_limit})"
    back_to = last if last is not None and not why else None
    return ticket.reopen(
        now=deps.clock.now(), actor=actor, reason=body.reason, back_to=back_to, not_back=why
    )


Decide = Callable[[Ticket, Any, Actor, TicketDeps], Change]

ACTIONS: dict[str, tuple[type[BaseModel], Decide]] = {
    "take": (Empty, lambda t, b, a, d: t.take(now=d.clock.now(), actor=a)),
    "assign": (
        Assign,
        lambda t, b, a, d: t.assign(
            now=d.clock.now(),
            actor=a,
            to=_member(d.flow, b.owner, "owner"),
            override_reason=b.override_reason,
        ),
    ),
    "start": (Empty, lambda t, b, a, d: t.start(now=d.clock.now(), actor=a)),
    "update": (
        Update,
        lambda t, b, a, d: t.update(
            now=d.clock.now(),
            actor=a,
            message=b.message,
            eta=b.eta,
            reason=b.reason,
            public=b.public,
        ),
    ),
    "escalate": (
        Escalate,
        lambda t, b, a, d: t.escalate(
            now=d.clock.now(), actor=a, to=_member(d.flow, b.to, "to"), reason=b.reason
        ),
    ),
    "accept-escalation": (
        Empty,
        lambda t, b, a, d: t.accept_escalation(now=d.clock.now(), actor=a),
    ),
    "decline-escalation": (
        WithReason,
        lambda t, b, a, d: t.decline_escalation(now=d.clock.now(), actor=a, reason=b.reason),
    ),
    "return-to-triage": (
        WithReason,
        lambda t, b, a, d: t.return_to_triage(now=d.clock.now(), actor=a, reason=b.reason),
    ),
    "reject": (
        WithReason,
        lambda t, b, a, d: t.reject(now=d.clock.now(), actor=a, reason=b.reason),
    ),
    "resolve": (
        Resolve,
        lambda t, b, a, d: t.resolve(
            now=d.clock.now(),
            actor=a,
            checked=b.checked,
            summary=b.summary,
            unfinished=_unfinished(t, d),
        ),
    ),
    "reopen": (WithReason, _reopen),
    "close": (Empty, lambda t, b, a, d: t.close(now=d.clock.now(), actor=a)),
    # The requester confirms the resolution meets the acceptance criteria: closed.
    "confirm": (Empty, lambda t, b, a, d: t.confirm(now=d.clock.now(), actor=a)),
    "postpone": (
        Postpone,
        lambda t, b, a, d: t.postpone(
            now=d.clock.now(),
            actor=a,
            until=b.until.astimezone(UTC),
            reason=b.reason,
            public=b.public,
        ),
    ),
    "reply": (Reply, lambda t, b, a, d: t.reply(now=d.clock.now(), actor=a, message=b.message)),
    # Talking and correcting: any staff member comments; triagers, the bugmeister and the
    # owner ask the requester and correct the ticket.
    "comment": (talk_and_correct.Comment, talk_and_correct.comment),
    "request-info": (talk_and_correct.RequestInfo, talk_and_correct.request_info),
    "edit": (talk_and_correct.Edit, talk_and_correct.edit),
    "wake": (
        Empty,
        lambda t, b, a, d: t.wake(now=d.clock.now(), actor=a, why=f"woken by {a.name or a.id}"),
    ),
    "link": (
        Link,
        lambda t, b, a, d: _link(t, _target(d, b.depends_on), a, d),
    ),
}


def _link(ticket: Ticket, target: Ticket, actor: Actor, deps: TicketDeps) -> Change:
    """Every ticket `target` waits for, through any chain of dependencies and sub-tickets,
    read breadth-first (one BatchGetItem per level), so the domain can refuse any cycle."""
    seen: set[int] = set()
    frontier = {*target.depends_on, *target.children}
    while frontier and ticket.number not in seen:
        seen |= frontier
        found = deps.tickets.get_many(frontier)
        frontier = {n for t in found.values() for n in (*t.depends_on, *t.children)} - seen
    return ticket.link(now=deps.clock.now(), actor=actor, depends_on=target, transitively=seen)


def _target(deps: TicketDeps, number: int) -> Ticket:
    try:
        return deps.tickets.get(number)
    except TicketNotFound:
        raise ValidationFailed({"depends_on": f"there is no ticket #{number}"}) from None


ADDABLE = ("title", "requirements", *OPTIONAL_FIELDS)


def _add_info(ticket: Ticket, data: dict[str, Any], actor: Actor, deps: TicketDeps) -> Change:
    """The requester completes their ticket: the whole ticket is validated again by the
    intake schema, and must now be complete for its type."""
    unknown = sorted(set(data) - set(ADDABLE))
    if unknown:
        raise ValidationFailed({f: "is not a field you can add" for f in unknown})
    if not data:
        raise ValidationFailed({"body": "add at least one field"})
    merged = {**ticket.values(), **data, "private": ticket.private}
    draft = validate_draft(merged, flow=deps.flow, today=deps.clock.now().date())
    values = {f: getattr(draft, f) for f in data}
    return ticket.add_info(now=deps.clock.now(), actor=actor, values=values)


def parse(action: str, data: Any) -> BaseModel | dict[str, Any]:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "must be a JSON object"})
    if action == "add-info":
        return data  # validated against the ticket it completes
    schema = Split if action == "split" else ACTIONS[action][0]
    try:
        return schema.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(field_errors(e)) from None


def perform(number: int, action: str, data: Any, actor: Actor, deps: TicketDeps) -> Ticket:
    """Validate, decide and save; on a stale read, decide again on fresh data."""
    return perform_answered(number, action, data, actor, deps)[0]


def perform_answered(
    number: int, action: str, data: Any, actor: Actor, deps: TicketDeps
) -> tuple[Ticket, list[Event]]:
    """`perform`, and the ticket's history as the change left it: the history read with the
    ticket (one read on DynamoDB; the timers' plan takes it from there too, planning.py) and
    the change's event, which its version check put right after it."""
    body = parse(action, data)

    def decide_and_save() -> tuple[Ticket, list[Event]]:
        ticket, history = deps.tickets.get_with_history(number)
        if isinstance(body, Split):
            change = _split(ticket, body, actor, deps)
        else:
            if isinstance(body, dict):  # add-info: checked against the ticket it completes
                change = _add_info(ticket, body, actor, deps)
            else:
                change = ACTIONS[action][1](ticket, body, actor, deps)
            deps.tickets.save(ticket, change)
        return ticket, [*history, *([change.event] if change.event else [])]

    return retry_on_conflict(decide_and_save)


def _split(parent: Ticket, body: Split, actor: Actor, deps: TicketDeps) -> Change:
    now = deps.clock.now()
    owners = [_member(deps.flow, c.owner, "owner") if c.owner else None for c in body.children]
    parent.authorize_split(actor, len(body.children))  # before numbers are spent
    last = deps.tickets.next_number(len(body.children))
    numbers = list(range(last - len(body.children) + 1, last + 1))
    change = parent.split(now=now, actor=actor, children=numbers)
    children = []
    for number, spec, owner in zip(numbers, body.children, owners, strict=True):
        salt = new_salt()
        children.append(
            parent.child(
                number=number,
                now=now,
                actor=actor,
                title=spec.title,
                requirements=spec.requirements,
                acceptance_criteria=spec.acceptance_criteria,
                owner=owner,
                token_salt=salt,
                token_digest=token_digest(status_token(deps.secret_key, number, salt)),
            )
        )
    deps.tickets.save_split(parent, change, children)
    return change


KNOWN = frozenset({*ACTIONS, "split", "add-info"})
# What the holder of a status link may do (the domain checks it is the requester).
REQUESTER_ACTIONS = frozenset({"add-info", "reply", "reopen", "confirm"})
