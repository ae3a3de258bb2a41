"""One action on many tickets (`POST /api/v1/tickets/bulk`, the console's lists): assign,
comment, reject or close each selected ticket through actions.perform, exactly as one at a
time, so the same rules and permissions hold. Each ticket is its own transaction with its
own event: one refusal stops nothing else, and the caller learns, ticket by ticket, what was
done and what was refused and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.domain.actors import Actor
from services.domain.drafts import field_errors
from services.domain.errors import DomainError, ValidationFailed

from . import actions
from .deps import TicketDeps

BulkAction = Literal["assign", "comment", "reject", "close"]
ACTIONS: tuple[str, ...] = get_args(BulkAction)
# Each ticket is a transaction of its own, one after the other, inside one request.
MAX_TICKETS = 50


class BulkRequest(BaseModel):
    """Which tickets and what to do; the action's own fields come beside these."""

    model_config = ConfigDict(extra="allow")

    tickets: list[Annotated[int, Field(ge=1)]]
    action: BulkAction


@dataclass(frozen=True)
class Outcome:
    """What happened to one ticket: its status after the action, or the refusal."""

    ticket: int
    status: str | None = None
    failure: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def parse(data: Any) -> tuple[list[int], str, dict[str, Any]]:
    """The tickets (each once, in the order given), the action and its body, checked once
    before any ticket is touched: a bad body is one 422, not one refusal per ticket."""
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "must be a JSON object"})
    try:
        selection = BulkRequest.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(field_errors(e)) from None
    numbers = list(dict.fromkeys(selection.tickets))
    if not numbers:
        raise ValidationFailed({"tickets": "choose at least one ticket"})
    if len(numbers) > MAX_TICKETS:
        raise ValidationFailed({"tickets": f"at most {MAX_TICKETS} tickets at a time"})
    body = dict(selection.model_extra or {})
    actions.parse(selection.action, body)
    return numbers, selection.action, body


def perform_bulk(data: Any, actor: Actor, deps: TicketDeps) -> list[Outcome]:
    numbers, action, body = parse(data)
    return [_one(number, action, body, actor, deps) for number in numbers]


def _one(number: int, action: str, body: dict[str, Any], actor: Actor, deps: TicketDeps) -> Outcome:
    try:
        ticket = actions.perform(number, action, body, actor, deps)
    except DomainError as e:
        return Outcome(number, failure=e)
    return Outcome(number, status=ticket.status.value)
