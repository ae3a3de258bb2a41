"""Where the table is, and how to read its refusals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException

from .models import bind


@dataclass(frozen=True)
class DynamoTable:
    """The table, its region and endpoint (moto or the embedded stack; None on AWS).

    Building one binds the item models to it, and so does building an adapter on it: the
    table of the newest adapter is the one in use, one table at a time per process (tests
    switch tables; a deployed function has one)."""

    table_name: str
    region: str
    host: str | None = None

    def __post_init__(self) -> None:
        self.bind()

    def bind(self) -> None:
        bind(self.table_name, self.region, self.host)

    @cached_property
    def connection(self) -> Connection:
        """For transactions, which span the models."""
        return Connection(region=self.region, host=self.host)


def is_condition_failure(error: PynamoDBException) -> bool:
    """The write was refused by its condition (alone, or as part of a transaction)."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
        return True
    return error.cause_response_code == "ConditionalCheckFailedException"
