"""The SQLite home's record of consumer failures, in its own file beside the database
(<data dir>/relay.db): the tries still to come (`retries`) and the items given up on
(`dead_letters`, what the dead-letter queues hold on AWS). Read the dead letters with
`sqlite3 .rtflow/relay.db 'SELECT * FROM dead_letters'`.

Where each consumer has got to is not here: that is the outbox's reader position, in the
database itself (services/adapters/sqlite/outbox.py).
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS retries (
        consumer TEXT NOT NULL,
        position INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        due REAL NOT NULL,
        error TEXT NOT NULL,
        PRIMARY KEY (consumer, position)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS retries_by_due ON retries (consumer, due)",
    """CREATE TABLE IF NOT EXISTS dead_letters (
        consumer TEXT NOT NULL,
        position INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        error TEXT NOT NULL,
        item TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (consumer, position)
    ) WITHOUT ROWID""",
)


class RelayLedger:
    """One connection shared by the consumers' threads, one statement at a time."""

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode = WAL")
        for statement in SCHEMA:
            self._conn.execute(statement)

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def retry_later(self, consumer: str, position: int, attempts: int, due: float, error: str):
        self._run(
            "INSERT INTO retries VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET"
            " attempts = excluded.attempts, due = excluded.due, error = excluded.error",
            (consumer, position, attempts, due, error),
        )

    def done(self, consumer: str, position: int) -> None:
        self._run("DELETE FROM retries WHERE consumer = ? AND position = ?", (consumer, position))

    def due(self, consumer: str, now: float, limit: int = 10) -> list[tuple[int, int]]:
        """(position, attempts so far) of the tries due by `now`, the oldest first."""
        rows = self._run(
            "SELECT position, attempts FROM retries WHERE consumer = ? AND due <= ?"
            " ORDER BY due LIMIT ?",
            (consumer, now, limit),
        )
        return [(int(p), int(a)) for p, a in rows]

    def next_due(self, consumer: str) -> float | None:
        rows = self._run("SELECT min(due) FROM retries WHERE consumer = ?", (consumer,))
        return float(rows[0][0]) if rows and rows[0][0] is not None else None

    def dead_letter(
        self, consumer: str, position: int, attempts: int, error: str, item: str
    ) -> None:
        """Give up on an item: kept for a person to look at, its retry forgotten."""
        at = datetime.now(UTC).isoformat()
        with self._lock, self._conn:  # one transaction: committed, or rolled back
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(
                "INSERT OR REPLACE INTO dead_letters VALUES (?, ?, ?, ?, ?, ?)",
                (consumer, position, attempts, error, item, at),
            )
            self._conn.execute(
                "DELETE FROM retries WHERE consumer = ? AND position = ?", (consumer, position)
            )

    def dead_letters(self, consumer: str | None = None) -> list[dict]:
        rows = self._run(
            "SELECT consumer, position, attempts, error, item, at FROM dead_letters"
            " WHERE ?1 IS NULL OR consumer = ?1 ORDER BY consumer, position",
            (consumer,),
        )
        keys = ("consumer", "position", "attempts", "error", "item", "at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
