"""The Inbox port on the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.domain.inbound import Inbound
from services.domain.ports import Clock

from .codecs import utc_text
from .database import SqliteDatabase

# Deliveries are remembered this long: a tool redelivering later than that files again.
INBOX_DAYS = 90


class SqliteInbox:
    """Inbox on the database: one row per delivery, put in the outbox as it is recorded, so
    the relay carries it to the inbound queue."""

    def __init__(self, db: SqliteDatabase, clock: Clock):
        self.db = db
        self.clock = clock

    def record(self, message: Inbound) -> bool:
        now = self.clock.now()
        epoch = int(now.timestamp())
        with self.db.transaction() as conn:
            # Past its time a delivery is forgotten, as the table's TTL forgets it.
            conn.execute(
                "DELETE FROM inbox WHERE key = ? AND expires_at <= ?", (message.key, epoch)
            )
            if message.replay_key and not self._first_body(conn, message, now):
                return False
            recorded = conn.execute(
                "INSERT INTO inbox (key, message, received_at, expires_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (message.key, message.model_dump_json(), utc_text(now), epoch + INBOX_DAYS * 86400),
            ).rowcount
            if recorded:
                conn.execute("INSERT INTO outbox (inbox_key) VALUES (?)", (message.key,))
        return bool(recorded)

    @staticmethod
    def _first_body(conn: Any, message: Inbound, now: datetime) -> bool:
        """No delivery of the same body within its window: a row of its own, that expires."""
        key, epoch = f"replay:{message.replay_key}", int(now.timestamp())
        conn.execute("DELETE FROM inbox WHERE key = ? AND expires_at <= ?", (key, epoch))
        return bool(
            conn.execute(
                "INSERT INTO inbox (key, message, received_at, expires_at) VALUES (?, '', ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (key, utc_text(now), epoch + message.replay_seconds),
            ).rowcount
        )

    def settle(self, message: Inbound, outcome: str) -> bool:
        with self.db.transaction() as conn:
            settled = conn.execute(
                "UPDATE inbox SET applied_at = ?, outcome = ? WHERE key = ? AND applied_at IS NULL",
                (utc_text(self.clock.now()), outcome[:500], message.key),
            ).rowcount
        return bool(settled)

    def linked(self, thread: str) -> int | None:
        row = self.db.row("SELECT ticket FROM links WHERE thread = ?", (thread,))
        return int(row["ticket"]) if row else None

    def outcome(self, message: Inbound) -> str | None:
        """What became of a delivery (None while it waits); for tests and the CLI."""
        row = self.db.row("SELECT outcome FROM inbox WHERE key = ?", (message.key,))
        return row["outcome"] if row else None
