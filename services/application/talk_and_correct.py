"""Talking on a ticket and correcting it: a comment by any staff member (for the requester,
or an internal note), asking the requester by hand, and correcting what was asked. The
bodies and decisions actions.ACTIONS runs for `comment`, `request-info` and `edit`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from services.application.deps import TicketDeps
from services.domain.actors import Actor
from services.domain.corrections import ASKABLE, CORRECTABLE
from services.domain.drafts import RequiredText, TicketDraft, field_errors, missing_fields
from services.domain.errors import NothingChanged, ValidationFailed
from services.domain.flow import FlowConfig
from services.domain.ticket import Change, Ticket

_Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
_Optional = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Comment(_Body):
    """A comment by any staff member, on any ticket; the status stays. `public`: the
    requester sees it on their status page and gets it by mail; otherwise (the default) an
    internal note the team alone sees."""

    message: RequiredText
    public: bool = False


class RequestInfo(_Body):
    """Ask the requester by hand (a triager, the bugmeister or the owner): the ticket waits
    for them (needs-info), and they are mailed the fields named here, in plain words, with
    the message. An owner who asks gives the ticket back; the answer comes through triage."""

    fields: Annotated[
        list[Literal[*ASKABLE]],  # type: ignore[valid-type]
        Field(min_length=1, max_length=len(ASKABLE)),
    ]
    message: _Optional = ""


class Edit(_Body):
    """Correct a ticket (a triager, the bugmeister or the owner): any of these fields, and
    why. A field left out stays; `null` or "" empties an optional one. Checked as filing
    checks; a new type is checked for completeness again (triage may ask the requester)."""

    title: str | None = None
    requirements: str | None = None
    end_state: str | None = None
    acceptance_criteria: list[str] | str | None = Field(None, description="or one per line")
    drop_dead_date: str | None = Field(None, description="YYYY-MM-DD")
    nice_to_have_date: str | None = Field(None, description="YYYY-MM-DD")
    capacity_needs: str | None = None
    security_needs: str | None = None
    dependencies: list[str] | str | None = Field(None, description="or one per line")
    type: str | None = None
    private: bool | None = Field(None, description="true takes it off every public surface")
    reason: _Reason


# What `null` empties a field to.
_EMPTY: dict[str, Any] = {
    "acceptance_criteria": [],
    "dependencies": [],
    "drop_dead_date": None,
    "nice_to_have_date": None,
}


def _draft(
    merged: dict[str, Any], flow: FlowConfig, deps: TicketDeps, kept: set[str]
) -> TicketDraft:
    """The ticket as the intake schema reads it; the `kept` fields are not judged again."""
    context = {"flow": flow, "today": deps.clock.now().date(), "kept": kept}
    try:
        return TicketDraft.model_validate(merged, context=context)
    except ValidationError as e:
        raise ValidationFailed(field_errors(e)) from None


def corrected_values(ticket: Ticket, body: Edit, deps: TicketDeps) -> dict[str, Any]:
    """The typed values of the fields `body` changes, checked as filing checks them."""
    given = {name: getattr(body, name) for name in body.model_fields_set - {"reason"}}
    if not given:
        raise ValidationFailed({"body": "name at least one field to correct"})
    if "private" in given and given["private"] is None:
        raise ValidationFailed({"private": "must be true or false"})
    raw = {k: _EMPTY.get(k, "") if v is None else v for k, v in given.items()}
    current = {**ticket.values(), "private": ticket.private}
    merged = {**current, **raw}
    # First the shape alone, to see what really changes (a form sends every field) ...
    try:
        seen = _draft(merged, deps.flow, deps, kept=set(CORRECTABLE))
    except ValidationFailed:
        # ... and if that fails, every rule on what was given, to name all that is wrong.
        _draft(merged, deps.flow, deps, kept=set(CORRECTABLE) - set(raw))
        raise
    changed = {name for name in raw if getattr(seen, name) != current[name]}
    if not changed:
        raise NothingChanged()
    # ... then every rule, on what changes.
    draft = _draft(merged, deps.flow, deps, kept=set(CORRECTABLE) - changed)
    values = {name: getattr(draft, name) for name in sorted(changed)}
    return values | _by_type(draft, changed, deps.flow)


def _by_type(draft: TicketDraft, changed: set[str], flow: FlowConfig) -> dict[str, Any]:
    """What the (new) type asks of a correction: it blanks none of the fields the type
    requires, and a type whose tickets are always private makes the ticket private."""
    ticket_type = flow.ticket_type(draft.type)
    if ticket_type is None:
        return {}
    blanked = [f for f in missing_fields(draft.model_dump(), ticket_type) if f in changed]
    if blanked:
        kind = ticket_type.label.lower()
        raise ValidationFailed({f: f"is required for {kind} tickets" for f in blanked})
    if not ticket_type.always_private or draft.private:
        return {}
    if "private" in changed:
        raise ValidationFailed({"private": f"{ticket_type.label} tickets are always private"})
    return {"private": True}  # as filing does: such a type is never on the public queue


def comment(ticket: Ticket, body: Comment, actor: Actor, deps: TicketDeps) -> Change:
    return ticket.comment(
        now=deps.clock.now(), actor=actor, message=body.message, public=body.public
    )


def request_info(ticket: Ticket, body: RequestInfo, actor: Actor, deps: TicketDeps) -> Change:
    return ticket.ask_for_info(
        now=deps.clock.now(), actor=actor, fields=list(body.fields), message=body.message
    )


def edit(ticket: Ticket, body: Edit, actor: Actor, deps: TicketDeps) -> Change:
    ticket.authorize_edit(actor)  # a refusal before any word about the values
    values = corrected_values(ticket, body, deps)
    return ticket.edit(now=deps.clock.now(), actor=actor, values=values, reason=body.reason)
