"""The open part of the public queue as a snapshot shared by every reader of this process.

Every view of the open queue (any filter, sort, page or page size) is built in memory from the
same reads: each open status's partition of the public index, whole up to READ_CAP. Without
a snapshot each request repeats those reads, so clients asking for ever new URLs (page 7,
per_page 33, ...) that no cache has seen make the server read the whole open queue each
time. The snapshot keeps what those reads returned for at most MAX_AGE seconds of this
process's own time, and one request reads while the others wait for its answer: however many
readers, the open queue is read at most once per status and MAX_AGE. A request that changes
something through this app (any method but GET and HEAD) drops the snapshot, so a reader
sees their own change at once; changes made elsewhere (the triage and scheduler consumers,
another instance) show within MAX_AGE, well inside the `max-age` the queue's answers allow
caches anyway. Finished tickets are read a page at a time by cursor and are not kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from services.domain.lifecycle import Status
from services.domain.ticket import FINISHED, Ticket

MAX_AGE = 2.0

_Read = tuple[list[Ticket], Any]


class OpenSnapshot:
    """The ticket repository as the queue reads it: `public` of an open status from the
    snapshot, everything else from the repository itself."""

    def __init__(
        self, repo: Any, max_age: float = MAX_AGE, now: Callable[[], float] = time.monotonic
    ):
        self._repo = repo
        self._max_age = max_age
        self._now = now
        self._lock = threading.Lock()
        self._reads: dict[tuple[Status, int, bool], tuple[float, _Read]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repo, name)

    def drop(self) -> None:
        with self._lock:
            self._reads.clear()

    def public(
        self, status: Status, *, limit: int = 100, newest_first: bool = False, after: str = ""
    ) -> _Read:
        if after or status in FINISHED:
            return self._repo.public(status, limit=limit, newest_first=newest_first, after=after)
        key = (status, limit, newest_first)
        # One reader at a time refreshes; the others wait and take what it read.
        with self._lock:
            kept = self._reads.get(key)
            if kept is not None and self._now() - kept[0] <= self._max_age:
                return kept[1]
            read = self._repo.public(status, limit=limit, newest_first=newest_first)
            self._reads[key] = (self._now(), read)
            return read
