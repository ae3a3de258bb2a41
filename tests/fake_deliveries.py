"""The webhook delivery log in memory, for tests of the outgoing webhooks."""

from __future__ import annotations

from datetime import UTC, timedelta

from services.domain.deliveries import DELIVERED, Attempt, DeliveryRecord
from tests.fakes import FixedClock


class FakeDeliveryLog:
    """Webhook deliveries in memory, as the table keeps them: per (ticket, delivery), every
    attempt summed up; `recent` shows those first tried today or yesterday (UTC)."""

    def __init__(self, clock: FixedClock | None = None):
        self.clock = clock or FixedClock()
        self.rows: dict[tuple[int, str], DeliveryRecord] = {}
        self.attempts: list[Attempt] = []

    def record(self, a: Attempt) -> None:
        self.attempts.append(a)
        row = self.rows.get((a.ticket, a.delivery_id))
        if row is not None and row.state == DELIVERED and a.state != DELIVERED:
            return  # a late failure never undoes a delivery
        at = a.at.astimezone(UTC)
        self.rows[a.ticket, a.delivery_id] = DeliveryRecord(
            id=a.delivery_id,
            subscription=a.subscription,
            ticket=a.ticket,
            event_id=a.event_id,
            event_kind=a.event_kind,
            state=a.state,
            attempts=(row.attempts if row else 0) + 1,
            last_status=a.status,
            last_error=a.error,
            first_at=row.first_at if row else at,
            updated_at=at,
            delivered_at=at if a.state == DELIVERED else (row.delivered_at if row else None),
        )

    def state(self, ticket: int, delivery_id: str) -> str | None:
        row = self.rows.get((ticket, delivery_id))
        return row.state if row else None

    def was_delivered(self, ticket: int, delivery_id: str) -> bool:
        return self.state(ticket, delivery_id) == DELIVERED

    def for_ticket(self, ticket: int) -> list[DeliveryRecord]:
        rows = [r for r in self.rows.values() if r.ticket == ticket]
        return sorted(rows, key=lambda r: (r.first_at, r.id), reverse=True)

    def recent(self, limit: int = 50) -> list[DeliveryRecord]:
        today = self.clock.now().astimezone(UTC).date()
        days = {today, today - timedelta(days=1)}
        rows = [r for r in self.rows.values() if r.first_at.date() in days]
        return sorted(rows, key=lambda r: (r.first_at, r.id), reverse=True)[:limit]
