"""Watchers of a ticket: staff add and remove them (`POST /api/v1/tickets/<n>/watchers`, the
console's form); the requester drops a CC (their status page, /me); a watcher leaves by the
link in their mail. Each is one change with its event, decided again on a stale read."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from services.domain.actors import Actor
from services.domain.drafts import field_errors
from services.domain.errors import ValidationFailed
from services.domain.ticket import Ticket
from services.domain.watchers import MAX_WATCHERS, Address, split_addresses

from .deps import TicketDeps
from .retry import retry_on_conflict

_Addresses = Annotated[
    list[Address], BeforeValidator(split_addresses), Field(max_length=MAX_WATCHERS)
]


class Watchers(BaseModel):
    """Addresses to add and to remove: lists, or (from a form) text with one per line."""

    model_config = ConfigDict(extra="forbid")

    add: _Addresses = []
    remove: _Addresses = []


def parse(data: Any) -> Watchers:
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "must be a JSON object"})
    try:
        body = Watchers.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(field_errors(e)) from None
    if not (body.add or body.remove):
        raise ValidationFailed({"add": "name an address to add or to remove"})
    return body


def change_watchers(number: int, data: Any, actor: Actor, deps: TicketDeps) -> Ticket:
    """Staff add and remove watchers."""
    body = parse(data)

    def decide_and_save() -> Ticket:
        ticket = deps.tickets.get(number)
        change = ticket.change_watchers(
            now=deps.clock.now(), actor=actor, add=body.add, remove=body.remove
        )
        deps.tickets.save(ticket, change)
        return ticket

    return retry_on_conflict(decide_and_save)


def drop_watcher(number: int, address: str, actor: Actor, deps: TicketDeps) -> Ticket:
    """The requester drops a CC, or a watcher (Actor.watcher) leaves."""

    def decide_and_save() -> Ticket:
        ticket = deps.tickets.get(number)
        change = ticket.drop_watcher(now=deps.clock.now(), actor=actor, address=address)
        deps.tickets.save(ticket, change)
        return ticket

    return retry_on_conflict(decide_and_save)
