"""What a bulk action answers (the API's JSON, the console's result page): per ticket, done
or refused and why."""

from __future__ import annotations

from pydantic import BaseModel


class BulkOutcome(BaseModel):
    ticket: int
    ok: bool
    status: str | None = None  # the ticket's status after the action, when it was done
    code: int | None = None  # the HTTP status the action alone would have answered
    error: str | None = None  # why it was refused, in words
    errors: dict[str, str] | None = None  # field by field, for a refused body


class BulkResult(BaseModel):
    action: str
    done: int
    refused: int
    results: list[BulkOutcome]
