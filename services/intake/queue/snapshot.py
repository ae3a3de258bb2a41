"""The open part of the public queue as a snapshot shared by every reader of this process.

Every view of the open queue (any filter, sort, page or page size) is built in memory from the
same read: the open partition of the public index, whole up to READ_CAP (every open status at
once, so a ticket that moves between two of them is in it once). Without a snapshot each
request repeats that read, so clients asking for ever new URLs (page 7, per_page 33, ...) that
no cache has seen make the server read the whole open queue each time. The snapshot keeps what
the read returned for at most MAX_AGE seconds of this process's own time, and one request reads
while the others wait for its answer: however many readers, the open queue is read at most once
per MAX_AGE (and order: oldest or newest first). A request that changes something through this
app (any method but GET and HEAD) drops the snapshot, so a reader sees their own change at
once; changes made elsewhere (the triage and scheduler consumers, another instance) show
within MAX_AGE, well inside the `max-age` the queue's answers allow caches anyway. Finished
tickets are read a page at a time by cursor and are not kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from services.domain.ticket import Ticket

MAX_AGE = 2.0

_Read = tuple[list[Ticket], bool]


class OpenSnapshot:
    """The ticket repository as the queue reads it: `public_open` from the snapshot,
    everything else (finished tickets' pages among it) from the repository itself."""

    def __init__(
        self, repo: Any, max_age: float = MAX_AGE, now: Callable[[], float] = time.monotonic
    ):
        self._repo = repo
        self._max_age = max_age
        self._now = now
        self._lock = threading.Lock()
        self._reads: dict[tuple[int, bool], tuple[float, _Read]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repo, name)

    def drop(self) -> None:
        with self._lock:
            self._reads.clear()

    def public_open(self, *, limit: int = 5000, newest_first: bool = False) -> _Read:
        key = (limit, newest_first)
        # One reader at a time refreshes; the others wait and take what it read.
        with self._lock:
            kept = self._reads.get(key)
            if kept is not None and self._now() - kept[0] <= self._max_age:
                return kept[1]
            read: _Read = self._repo.public_open(limit=limit, newest_first=newest_first)
            self._reads[key] = (self._now(), read)
            return read
