"""How the SQLite home's consumers learn that there is work: the database rings a bell after
each commit of this process (the web app, mail in, the timers and the consumers share it), and
a consumer with nothing to do sleeps until the bell rings. Another process's writes (a CLI
command) are found by a slow safety poll instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from services.adapters.sqlite import SqliteDatabase


class Bell:
    """A counter of rings: a waiter that read `count` before looking for work misses no ring
    that came after."""

    def __init__(self) -> None:
        self._rung = threading.Condition()
        self.count = 0

    def ring(self) -> None:
        with self._rung:
            self.count += 1
            self._rung.notify_all()

    def wait(self, seen: int, timeout: float) -> bool:
        """Until the bell rang after `seen`, or `timeout` seconds; whether it rang."""
        with self._rung:
            return self._rung.wait_for(lambda: self.count != seen, timeout)


class RingingDatabase(SqliteDatabase):
    """The database file, ringing `bell` after every committed transaction."""

    def __init__(self, path: str | Path, bell: Bell) -> None:
        super().__init__(path)
        self.bell = bell

    @contextmanager
    def transaction(self) -> Iterator:
        with super().transaction() as conn:
            yield conn
        self.bell.ring()
