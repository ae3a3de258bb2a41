"""The DeliveryLog port (webhooks out) on the database: one row per delivery, every attempt
summed up; "recent" is a range of the index by first attempt, today's and yesterday's (UTC),
as the DynamoDB log reads its two day partitions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from services.domain.deliveries import DELIVERED, Attempt, DeliveryRecord
from services.domain.ports import Clock

from .codecs import from_utc_text, utc_text
from .database import SqliteDatabase

# A late failure (a concurrent redelivery) never undoes a delivery; a delivery is stamped
# when it is delivered and keeps its first attempt's time.
_RECORD = """
    INSERT INTO deliveries (ticket, delivery_id, subscription, event_id, event_kind, state,
                            attempts, last_status, last_error, first_at, updated_at,
                            delivered_at)
    VALUES (:ticket, :delivery_id, :subscription, :event_id, :event_kind, :state, 1,
            :status, :error, :at, :at, :delivered_at)
    ON CONFLICT (ticket, delivery_id) DO UPDATE SET
        subscription = excluded.subscription, event_id = excluded.event_id,
        event_kind = excluded.event_kind, state = excluded.state,
        attempts = attempts + 1, last_status = excluded.last_status,
        last_error = excluded.last_error, updated_at = excluded.updated_at,
        delivered_at = coalesce(excluded.delivered_at, delivered_at)
    WHERE deliveries.state != :delivered OR excluded.state = :delivered"""
RECENT = """
    SELECT * FROM deliveries WHERE first_at >= ? AND first_at < ?
    ORDER BY first_at DESC, delivery_id DESC LIMIT ?"""


def _record(row: sqlite3.Row) -> DeliveryRecord:
    delivered_at = row["delivered_at"]
    return DeliveryRecord(
        id=row["delivery_id"],
        subscription=row["subscription"],
        ticket=int(row["ticket"]),
        event_id=row["event_id"],
        event_kind=row["event_kind"],
        state=row["state"],
        attempts=int(row["attempts"]),
        last_status=row["last_status"],
        last_error=row["last_error"],
        first_at=from_utc_text(row["first_at"]),
        updated_at=from_utc_text(row["updated_at"]),
        delivered_at=from_utc_text(delivered_at) if delivered_at else None,
    )


def _midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(UTC).date(), datetime.min.time(), UTC)


class SqliteDeliveryLog:
    """DeliveryLog on the database: one upsert per attempt."""

    def __init__(self, db: SqliteDatabase, clock: Clock):
        self.db = db
        self.clock = clock

    def record(self, attempt: Attempt) -> None:
        at = utc_text(attempt.at)
        with self.db.transaction() as conn:
            conn.execute(
                _RECORD,
                {
                    "ticket": attempt.ticket,
                    "delivery_id": attempt.delivery_id,
                    "subscription": attempt.subscription,
                    "event_id": attempt.event_id,
                    "event_kind": attempt.event_kind,
                    "state": attempt.state,
                    "status": attempt.status,
                    "error": attempt.error,
                    "at": at,
                    "delivered_at": at if attempt.state == DELIVERED else None,
                    "delivered": DELIVERED,
                },
            )

    def state(self, ticket: int, delivery_id: str) -> str | None:
        row = self.db.row(
            "SELECT state FROM deliveries WHERE ticket = ? AND delivery_id = ?",
            (ticket, delivery_id),
        )
        return str(row["state"]) if row else None

    def was_delivered(self, ticket: int, delivery_id: str) -> bool:
        return self.state(ticket, delivery_id) == DELIVERED

    def for_ticket(self, ticket: int) -> list[DeliveryRecord]:
        rows = self.db.rows(
            "SELECT * FROM deliveries WHERE ticket = ? ORDER BY first_at DESC, delivery_id DESC",
            (ticket,),
        )
        return [_record(r) for r in rows]

    def recent(self, limit: int = 50) -> list[DeliveryRecord]:
        """The latest deliveries first tried today or yesterday (UTC), newest first."""
        today = _midnight(self.clock.now())
        since, until = today - timedelta(days=1), today + timedelta(days=1)
        rows = self.db.rows(RECENT, (utc_text(since), utc_text(until), limit))
        return [_record(r) for r in rows]
