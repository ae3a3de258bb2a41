"""What DynamoDB's TTL removes by itself, removed here by a housekeeping call: deliveries
in the inbox past INBOX_DAYS, sign-in links, rate windows, sessions and mail budgets past
their time. Each is a range of an index by expiry."""

from __future__ import annotations

from datetime import datetime

from .database import SqliteDatabase

_EXPIRING = ("inbox", "login_links", "login_rate", "sessions", "mail_budget")


def expire(db: SqliteDatabase, now: datetime) -> dict[str, int]:
    """Delete every row whose time is up; how many went, by table."""
    epoch = int(now.timestamp())
    with db.transaction() as conn:
        return {
            table: conn.execute(
                f"DELETE FROM {table} WHERE expires_at <= ?",  # noqa: S608 (names above)
                (epoch,),
            ).rowcount
            for table in _EXPIRING
        }
