"""Merging a duplicate into the ticket that carries on (`POST /api/v1/tickets/<n>/merge`
{"into": m}, the console's form): both tickets change in one transaction, decided again on
fresh data when either changed meanwhile."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.domain.actors import Actor
from services.domain.drafts import field_errors
from services.domain.errors import TicketNotFound, ValidationFailed
from services.domain.ticket import Ticket

from .deps import TicketDeps
from .retry import retry_on_conflict


class Merge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: int = Field(ge=1, description="the ticket that carries on")


def parse(data: Any) -> Merge:
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "must be a JSON object"})
    try:
        return Merge.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(field_errors(e)) from None


def merge(number: int, data: Any, actor: Actor, deps: TicketDeps) -> tuple[Ticket, Ticket]:
    """Ticket `number` closes, merged into `into`; both as saved."""
    body = parse(data)

    def decide_and_save() -> tuple[Ticket, Ticket]:
        duplicate = deps.tickets.get(number)
        duplicate.authorize_merge(actor)
        try:
            target = deps.tickets.get(body.into)
        except TicketNotFound:
            raise ValidationFailed({"into": f"there is no ticket #{body.into}"}) from None
        change, target_change = duplicate.merge_into(
            now=deps.clock.now(), actor=actor, target=target
        )
        deps.tickets.save_merge(duplicate, change, target, target_change)
        return duplicate, target

    return retry_on_conflict(decide_and_save)
