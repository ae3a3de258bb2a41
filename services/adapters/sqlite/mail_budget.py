"""The MailBudget port on the database: a row per (address digest, hour) counting the
automatic mails taken, removed by the expiry tick (expiry.py) an hour after its hour."""

from __future__ import annotations

from datetime import datetime

from services.domain.tokens import token_digest

from .database import SqliteDatabase

HOUR_SECONDS = 3600


class SqliteMailBudget:
    def __init__(self, db: SqliteDatabase):
        self.db = db

    def take(self, address: str, hour: datetime, limit: int) -> bool:
        if limit <= 0:
            return False
        start = int(hour.timestamp())
        with self.db.transaction() as conn:
            taken = conn.execute(
                "INSERT INTO mail_budget (address, hour, taken, expires_at) VALUES (?, ?, 1, ?)"
                " ON CONFLICT (address, hour) DO UPDATE SET taken = taken + 1"
                " WHERE taken < ?",
                (token_digest(address.lower()), start, start + 2 * HOUR_SECONDS, limit),
            ).rowcount
        return bool(taken)
