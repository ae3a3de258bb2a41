"""One way to meet a concurrent writer: decide again on fresh data.

Every change is saved with a condition on the version it was decided on (optimistic
locking). When another writer got there first, the use case reads the ticket again and
decides again; after a few tries the conflict propagates, and the caller (the queue's retry,
the HTTP client) tries later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from services.domain.errors import StaleVersion

T = TypeVar("T")
ATTEMPTS = 3


def retry_on_conflict(
    decide_and_save: Callable[[], T],
    *,
    conflicts: tuple[type[Exception], ...] = (StaleVersion,),
    on_conflict: Callable[[], None] | None = None,
    attempts: int = ATTEMPTS,
) -> T:
    """Call `decide_and_save` (which must read what it decides on) until it returns without a
    conflict, at most `attempts` times; `on_conflict` forgets anything cached between tries."""
    for attempt in range(1, attempts + 1):
        try:
            return decide_and_save()
        except conflicts:
            if attempt == attempts:
                raise
            if on_conflict is not None:
                on_conflict()
    raise AssertionError("unreachable")  # attempts >= 1
