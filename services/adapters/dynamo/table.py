"""Where the table is, and how to read its refusals."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException

from .models import bind


class SharedConnection(Connection):
    """pynamodb's connection (its client's settings: timeouts, retries, no parameter
    validation), the client made from `session()` under `lock` when one is given: the
    composition root's botocore session, which its other clients share. A session's first
    client loads botocore's data (~50 ms of a cold start); the next ones reuse it."""

    def __init__(
        self,
        region: str,
        host: str | None,
        session: Callable[[], Any] | None = None,
        lock: threading.Lock | None = None,
    ) -> None:
        super().__init__(region=region, host=host)
        self._session_of = session
        self._lock = lock or threading.Lock()

    @property
    def session(self) -> Any:
        return self._session_of() if self._session_of is not None else super().session

    @property
    def client(self) -> Any:
        # botocore builds clients one at a time per session; the built one is thread-safe.
        with self._lock:
            return super().client


@dataclass(frozen=True)
class DynamoTable:
    """The table, its region and endpoint (moto or the embedded stack; None on AWS).

    Building one binds the item models to it, and so does building an adapter on it: the
    table of the newest adapter is the one in use, one table at a time per process (tests
    switch tables; a deployed function has one). Every model's requests and the table's
    transactions go through the one client of `connection`."""

    table_name: str
    region: str
    host: str | None = None
    # The botocore session to build the client from, and the lock its clients are built
    # under (the composition root's); None: pynamodb's own session.
    session: Callable[[], Any] | None = field(default=None, compare=False, repr=False)
    lock: threading.Lock | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.bind()

    def bind(self) -> None:
        bind(self.table_name, self.region, self.host, lambda: self.connection.client)

    @cached_property
    def connection(self) -> Connection:
        """For transactions, which span the models; its client is every model's too."""
        return SharedConnection(self.region, self.host, self.session, self.lock)


def is_condition_failure(error: PynamoDBException) -> bool:
    """The write was refused by its condition (alone, or as part of a transaction)."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
        return True
    return error.cause_response_code == "ConditionalCheckFailedException"
