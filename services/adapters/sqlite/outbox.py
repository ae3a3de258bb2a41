"""The outbox: every event and every recorded delivery, by position, for the relay.

A position is given in the transaction that writes the row, and only one transaction writes
at a time: positions are committed in increasing order, so a reader that has seen everything
up to N never finds a row below N appear later. "Everything after N" is then the whole of
what is left to carry, and N the only thing a reader has to remember (`advance`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from services.domain.events import Event
from services.domain.inbound import Inbound

from .codecs import decode_event
from .database import SqliteDatabase

AFTER = """
    SELECT o.position, e.body AS event, i.message AS inbound
    FROM outbox AS o
    LEFT JOIN events AS e ON e.ticket = o.ticket AND e.seq = o.seq
    LEFT JOIN inbox AS i ON i.key = o.inbox_key
    WHERE o.position > ? ORDER BY o.position LIMIT ?"""


@dataclass(frozen=True)
class OutboxEntry:
    position: int
    item: Event | Inbound


def _entry(row: sqlite3.Row) -> OutboxEntry:
    if row["event"] is not None:
        item: Event | Inbound = decode_event(row["event"])
    else:
        item = Inbound.model_validate_json(row["inbound"])
    return OutboxEntry(int(row["position"]), item)


class SqliteOutbox:
    def __init__(self, db: SqliteDatabase):
        self.db = db

    def after(self, position: int, limit: int = 100) -> list[OutboxEntry]:
        """What was written after `position`, oldest first: a range of the outbox's key."""
        return [_entry(r) for r in self.db.rows(AFTER, (position, limit))]

    def last(self) -> int:
        """The highest position given so far (0 before the first)."""
        row = self.db.row("SELECT max(position) AS last FROM outbox")
        return int(row["last"] or 0) if row else 0

    def position(self, reader: str) -> int:
        """Where `reader` has got to: 0 if it never advanced."""
        row = self.db.row("SELECT position FROM outbox_readers WHERE name = ?", (reader,))
        return int(row["position"]) if row else 0

    def advance(self, reader: str, position: int) -> None:
        """Remember that `reader` is done up to `position`; it never moves back."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO outbox_readers (name, position) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position)",
                (reader, position),
            )
