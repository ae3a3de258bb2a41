"""The MailLedger port on the database."""

from __future__ import annotations

from services.domain.ports import Clock

from .codecs import utc_text
from .database import SqliteDatabase

_KEY = "ticket = ? AND event_id = ? AND recipient = ?"


class NotClaimed(LookupError):
    """A mail marked sent that nobody claimed (DynamoDB refuses that update too)."""


class SqliteMailLedger:
    """MailLedger as one row per event and recipient (the address in lower case)."""

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
        # Never release a mail that is recorded as sent: that claim stays, quietly.
        with self.db.transaction() as conn:
            conn.execute(
                f"DELETE FROM mail_ledger WHERE {_KEY} AND message_id IS NULL",  # noqa: S608
                (ticket, event_id, recipient.lower()),
            )

    def mark_sent(self, ticket: int, event_id: str, recipient: str, message_id: str) -> None:
        with self.db.transaction() as conn:
            marked = conn.execute(
                f"UPDATE mail_ledger SET message_id = ? WHERE {_KEY}",  # noqa: S608
                (message_id, ticket, event_id, recipient.lower()),
            ).rowcount
        if not marked:
            raise NotClaimed(f"no claim for event {event_id} of ticket #{ticket} to {recipient}")
