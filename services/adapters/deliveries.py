"""The webhook delivery log (the DeliveryLog port, services/domain/ports.py) on the one table.

Items:
  pk=TICKET#<n>              sk=HOOK#<delivery id>            a delivery: every attempt summed
                                                             up (the ticket page reads these)
  pk=DELIVERIES#<yyyy-mm-dd> sk=<first attempt, UTC>#<id>     a copy, by the day of its first
                                                             attempt, for "recent deliveries";
                                                             expires (TTL expires_at) after
                                                             RECENT_DAYS

The recent page reads today's partition, then yesterday's, newest first: two Queries at most,
never a Scan. One partition a day is plenty for a team's events (DynamoDB takes 1,000 writes/s
per partition); shard it as DELIVERIES#<day>#0..N beyond that. A copy is rewritten whole after
each attempt from the delivery item's new values, so it cannot drift for long.

The item model is one of the table's (services/adapters/dynamo/models.py), bound with them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from services.domain.deliveries import DELIVERED, Attempt, DeliveryRecord
from services.domain.ports import Clock

from .dynamo import DynamoTable, ItemModel

HOOK_PREFIX = "HOOK#"
RECENT_PREFIX = "DELIVERIES#"
RECENT_DAYS = 7


class DeliveryItem(ItemModel):
    delivery_id = UnicodeAttribute()
    subscription = UnicodeAttribute()
    ticket = NumberAttribute()
    event_id = UnicodeAttribute()
    event_kind = UnicodeAttribute()
    state = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    last_status = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    first_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    delivered_at = UTCDateTimeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # epoch seconds: the table's TTL attribute


def hook_key(ticket: int, delivery_id: str) -> tuple[str, str]:
    return f"TICKET#{ticket}", f"{HOOK_PREFIX}{delivery_id}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def recent_key(first_at: datetime, delivery_id: str) -> tuple[str, str]:
    at = _utc(first_at)
    return f"{RECENT_PREFIX}{at:%Y-%m-%d}", f"{at:%Y-%m-%dT%H:%M:%S.%fZ}#{delivery_id}"


def _record(item: DeliveryItem) -> DeliveryRecord:
    return DeliveryRecord(
        id=item.delivery_id,
        subscription=item.subscription,
        ticket=int(item.ticket),
        event_id=item.event_id,
        event_kind=item.event_kind,
        state=item.state,
        attempts=int(item.attempts or 0),
        last_status=int(item.last_status) if item.last_status is not None else None,
        last_error=item.last_error or "",
        first_at=item.first_at,
        updated_at=item.updated_at,
        delivered_at=item.delivered_at,
    )


class DynamoDeliveryLog:
    """DeliveryLog on the table: UpdateItem of the delivery, then PutItem of its copy."""

    def __init__(self, table: DynamoTable, clock: Clock):
        table.bind()
        self.clock = clock

    def record(self, attempt: Attempt) -> None:
        Item = DeliveryItem
        at = _utc(attempt.at)
        actions: list[Action] = [
            Item.delivery_id.set(attempt.delivery_id),
            Item.subscription.set(attempt.subscription),
            Item.ticket.set(attempt.ticket),
            Item.event_id.set(attempt.event_id),
            Item.event_kind.set(attempt.event_kind),
            Item.state.set(attempt.state),
            Item.attempts.add(1),
            Item.first_at.set(Item.first_at | at),  # if_not_exists: the first attempt's time
            Item.updated_at.set(at),
            Item.last_status.set(attempt.status)
            if attempt.status is not None
            else Item.last_status.remove(),
            Item.last_error.set(attempt.error) if attempt.error else Item.last_error.remove(),
        ]
        condition: Condition | None = None
        if attempt.state == DELIVERED:
            actions.append(Item.delivered_at.set(at))
        else:  # a late failure (a concurrent redelivery) never undoes a delivery
            condition = Item.state.does_not_exist() | (Item.state != DELIVERED)
        item = Item(*hook_key(attempt.ticket, attempt.delivery_id))
        try:
            item.update(actions=actions, condition=condition)  # ALL_NEW: item holds the result
        except UpdateError as e:
            if e.cause_response_code == "ConditionalCheckFailedException":
                return
            raise
        self._copy_to_recent(item)

    def _copy_to_recent(self, item: DeliveryItem) -> None:
        copy = DeliveryItem(
            *recent_key(item.first_at, item.delivery_id),
            **{
                name: getattr(item, name)
                for name in (
                    "delivery_id",
                    "subscription",
                    "ticket",
                    "event_id",
                    "event_kind",
                    "state",
                    "attempts",
                    "last_status",
                    "last_error",
                    "first_at",
                    "updated_at",
                    "delivered_at",
                )
            },
            expires_at=int((item.first_at + timedelta(days=RECENT_DAYS)).timestamp()),
        )
        copy.save()

    def state(self, ticket: int, delivery_id: str) -> str | None:
        try:
            item = DeliveryItem.get(*hook_key(ticket, delivery_id), consistent_read=True)
        except DoesNotExist:
            return None
        return item.state

    def was_delivered(self, ticket: int, delivery_id: str) -> bool:
        return self.state(ticket, delivery_id) == DELIVERED

    def for_ticket(self, ticket: int) -> list[DeliveryRecord]:
        items = DeliveryItem.query(f"TICKET#{ticket}", DeliveryItem.sk.startswith(HOOK_PREFIX))
        rows = [_record(i) for i in items]
        return sorted(rows, key=lambda r: (r.first_at, r.id), reverse=True)

    def recent(self, limit: int = 50) -> list[DeliveryRecord]:
        """The latest deliveries of today and yesterday (UTC), newest first."""
        today = _utc(self.clock.now()).date()
        rows: list[DeliveryRecord] = []
        for day in (today, today - timedelta(days=1)):
            if len(rows) >= limit:
                break
            items = DeliveryItem.query(
                f"{RECENT_PREFIX}{day:%Y-%m-%d}",
                scan_index_forward=False,
                limit=limit - len(rows),
            )
            rows += [_record(i) for i in items]
        return rows
