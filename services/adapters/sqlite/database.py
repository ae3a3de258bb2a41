"""The database file: its connections (one per thread) and its write transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from services.domain.errors import StorageUnavailable

from .schema import migrate

# How long a writer waits for another's transaction to end before giving up ("database is
# locked"): far longer than any one change holds the lock.
BUSY_TIMEOUT_SECONDS = 10.0

BUSY = "the ticket store is busy; try again"
FULL = "the disk of the ticket store is full"
# The failures that say nothing of the change, only that the store cannot take it now: the
# words a person is shown, and the seconds after which a retry may do better.
_UNAVAILABLE = {
    sqlite3.SQLITE_BUSY: (BUSY, 5),
    sqlite3.SQLITE_LOCKED: (BUSY, 5),
    sqlite3.SQLITE_FULL: (FULL, 60),
}


class SqliteUnavailable(StorageUnavailable, sqlite3.OperationalError):
    """StorageUnavailable, and still an sqlite3.OperationalError: what catches the database's
    own errors (the export and import commands) catches it as before."""


@contextmanager
def _unavailable_in_words() -> Iterator[None]:
    """A locked database or a full disk, raised as the domain's StorageUnavailable."""
    try:
        yield
    except sqlite3.OperationalError as e:
        said = _UNAVAILABLE.get(getattr(e, "sqlite_errorcode", 0) & 0xFF)
        if said is None or isinstance(e, StorageUnavailable):
            raise
        raise SqliteUnavailable(*said) from e


class SqliteDatabase:
    """One database file, shared by the threads of a process (and by other processes).

    Each thread gets a connection of its own on first use; `transaction()` is one BEGIN
    IMMEDIATE ... COMMIT on it, rolled back on any failure. Reads outside a transaction are
    one statement each, each a consistent snapshot (WAL lets them run beside a writer)."""

    def __init__(self, path: str | Path, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS):
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self.connection()
        try:
            migrate(conn)  # first: a database this code must not touch is left as it is
            # Persistent in the file: every connection, in any process, uses the log now.
            conn.execute("PRAGMA journal_mode = WAL")
        except BaseException:
            self.close()
            raise

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; every change says BEGIN itself.
        # check_same_thread=False only so that close() can close every thread's connection;
        # each one is used by its own thread alone.
        conn = sqlite3.connect(
            self.path,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a committed change
        # survives the process being killed (it is in the log, which the OS holds); only a
        # power cut or an OS crash may lose the last commits, never corrupt the file.
        conn.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            self._opened.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything done in it is stored, or nothing is. BEGIN
        IMMEDIATE takes the write lock at once, so what it reads stays true until COMMIT.
        A lock held past the busy timeout, or a full disk, is StorageUnavailable, once rolled
        back."""
        conn = self.connection()
        with _unavailable_in_words():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with _unavailable_in_words():
            return self.connection().execute(sql, params).fetchall()

    def row(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        with _unavailable_in_words():
            row: sqlite3.Row | None = self.connection().execute(sql, params).fetchone()
        return row

    def close(self) -> None:
        """Close every thread's connection; the last one to close checkpoints the log into
        the file. A thread that uses the database again opens a new connection."""
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._local = threading.local()
