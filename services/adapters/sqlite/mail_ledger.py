"""The MailLedger port on the database."""

from __future__ import annotations

from services.domain.ports import Clock

from .codecs import utc_text
from .database import SqliteDatabase


class SqliteMailLedger:
    """MailLedger as one row per event and recipient (the address in lower case), written once:
    the claim is the record. (The `message_id` column of databases made before is left empty.)"""

    def __init__(self, db: SqliteDatabase, clock: Clock):
        self.db = db
        self.clock = clock

    def claim(self, ticket: int, event_id: str, recipient: str) -> bool:
        with self.db.transaction() as conn:
            claimed = conn.execute(
                "INSERT INTO mail_ledger (ticket, event_id, recipient, claimed_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (ticket, event_id, recipient.lower(), utc_text(self.clock.now())),
            ).rowcount
        return bool(claimed)

    def release(self, ticket: int, event_id: str, recipient: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "DELETE FROM mail_ledger WHERE ticket = ? AND event_id = ? AND recipient = ?",
                (ticket, event_id, recipient.lower()),
            )
