"""The item models: one pynamodb model per kind of item, all in the one table, and the table's
global secondary indexes.

The models are written out once; `bind` points all of them at a table, region and endpoint
(DynamoTable does it for the composition root; tests switch tables the same way). pynamodb
caches a connection on each model class, so binding drops those caches too: the next call
connects to the table now bound. Nothing reads settings or builds a client at import time.

Every model's connection takes the one botocore client of the binding (the table's
transactions' too): pynamodb would build a session and a client per model class, ~50 ms of
CPU each on a cold start.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model


class ItemModel(Model):
    """Every item of the table: its key. Its Meta is every model's (none has its own)."""

    class Meta:
        table_name: str | None = None  # until `bind`: pynamodb refuses to connect
        region: str | None = None
        host: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        table = super()._get_connection()
        if table.connection._client is None and _binding.client is not None:
            table.connection._client = _binding.client()
        return table


class _Binding:
    """Where the bound table's one client comes from (None: each model builds its own)."""

    client: Callable[[], Any] | None = None


_binding = _Binding()


def bind(
    table_name: str, region: str, host: str | None = None, client: Callable[[], Any] | None = None
) -> None:
    """Point every item model at this table, their requests through `client()` (built on the
    first request); a no-op when they are already bound to it."""
    meta = ItemModel.Meta
    if (meta.table_name, meta.region, meta.host) == (table_name, region, host):
        return
    meta.table_name, meta.region, meta.host = table_name, region, host
    _binding.client = client
    pending: list[type[Model]] = [ItemModel]
    while pending:
        model = pending.pop()
        model._connection = None  # built again, for the new table, on the next call
        pending += model.__subclasses__()


class SortedJSONAttribute(JSONAttribute):
    """JSON text with sorted keys: equal data is stored as equal text."""

    def serialize(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, sort_keys=True)


class RequesterMap(MapAttribute[str, str]):
    name = UnicodeAttribute()
    email = UnicodeAttribute()


# pynamodb types ListAttribute(of=X) as a list of X attributes, not of their values.
def _texts() -> ListAttribute[str]:
    return cast("ListAttribute[str]", ListAttribute(of=UnicodeAttribute, null=True))


def _numbers() -> ListAttribute[float]:
    return cast("ListAttribute[float]", ListAttribute(of=NumberAttribute, null=True))


# -- the ticket item and its indexes ------------------------------------------------------------
# Keys only: an index entry is the table's and the index's keys, so a change that keeps them
# writes no index; the views read the tickets a Query finds by key (tickets.py).


class StatusIndex(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by-status"
        projection = KeysOnlyProjection()

    status_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class OwnerIndex(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by-owner"
        projection = KeysOnlyProjection()

    owner_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class RequesterIndex(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by-requester"
        projection = KeysOnlyProjection()

    requester_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class EscalationIndex(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by-escalation"
        projection = KeysOnlyProjection()

    escalation_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class TimerIndex(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by-next-timer"
        projection = KeysOnlyProjection()

    timer_key = UnicodeAttribute(hash_key=True)
    timer_at = UnicodeAttribute(range_key=True)


class PublicIndex(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by-public"
        projection = KeysOnlyProjection()

    public_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class TicketItem(ItemModel):
    number = NumberAttribute()
    type = UnicodeAttribute()
    title = UnicodeAttribute()
    requirements = UnicodeAttribute()
    end_state = UnicodeAttribute(null=True)
    acceptance_criteria = _texts()
    drop_dead_date = UnicodeAttribute(null=True)  # ISO dates
    nice_to_have_date = UnicodeAttribute(null=True)
    capacity_needs = UnicodeAttribute(null=True)
    security_needs = UnicodeAttribute(null=True)
    dependencies = _texts()
    requester = RequesterMap()
    private = BooleanAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    acknowledged_at = UTCDateTimeAttribute(null=True)
    status_since = UTCDateTimeAttribute(null=True)
    owner = UnicodeAttribute(null=True)
    # JSON text: small values read whole.
    complexity = JSONAttribute(null=True)
    escalation = JSONAttribute(null=True)
    skills = _texts()
    missing = _texts()
    eta = UnicodeAttribute(null=True)
    parent = NumberAttribute(null=True)
    children = _numbers()
    depends_on = _numbers()
    postponed_from = UnicodeAttribute(null=True)
    postponed_until = UTCDateTimeAttribute(null=True)
    postponed_public = BooleanAttribute(null=True)
    timers = JSONAttribute(null=True)  # name -> ISO time
    fired = _texts()
    sla_breached = _texts()
    last_update_at = UTCDateTimeAttribute(null=True)
    last_update = UnicodeAttribute(null=True)
    watchers = _texts()  # addresses copied on the public updates
    merged_into = NumberAttribute(null=True)
    token_salt = UnicodeAttribute()
    token_digest = UnicodeAttribute()
    version = VersionAttribute()

    # GSI keys, derived from the fields above on every save.
    status_key = UnicodeAttribute(null=True)
    owner_key = UnicodeAttribute(null=True)
    requester_key = UnicodeAttribute(null=True)
    escalation_key = UnicodeAttribute(null=True)
    sort_at = UnicodeAttribute(null=True)
    timer_key = UnicodeAttribute(null=True)
    timer_at = UnicodeAttribute(null=True)
    public_key = UnicodeAttribute(null=True)

    by_status = StatusIndex()
    by_public = PublicIndex()
    by_owner = OwnerIndex()
    by_requester = RequesterIndex()
    by_escalation = EscalationIndex()
    by_next_timer = TimerIndex()


# -- the event item and its index ---------------------------------------------------------------


class DayIndex(GlobalSecondaryIndex["EventItem"]):
    class Meta:
        index_name = "by-day"
        projection = AllProjection()

    day_key = UnicodeAttribute(hash_key=True)
    at = UTCDateTimeAttribute(range_key=True)


class EventItem(ItemModel):
    id = UnicodeAttribute()
    ticket = NumberAttribute()
    kind = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    public = BooleanAttribute()
    # JSON text: the event's payload is small, schemaless and read whole.
    data = SortedJSONAttribute()
    day_key = UnicodeAttribute(null=True)  # DAY#<yyyy-mm-dd> (UTC): the by-day index
    # Imported history (rtflow import, restore.py): the relay carries it to no one.
    restored = BooleanAttribute(null=True)

    by_day = DayIndex()


# -- the other items ----------------------------------------------------------------------------


class MailLedgerItem(ItemModel):
    claimed_at = UTCDateTimeAttribute()


class CounterItem(ItemModel):
    value = NumberAttribute(default=0)


class WipItem(ItemModel):
    open_count = NumberAttribute(default=0)


class StaffTokenItem(ItemModel):
    member = UnicodeAttribute()
    label = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class InboxItem(ItemModel):
    message = UnicodeAttribute()  # the Inbound, as pydantic writes it
    received_at = UTCDateTimeAttribute()
    applied_at = UTCDateTimeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    ticket = NumberAttribute(null=True)
    expires_at = NumberAttribute()  # epoch seconds: the table's TTL attribute


class LinkItem(ItemModel):
    ticket = NumberAttribute()
    created_at = UTCDateTimeAttribute()


class LoginLinkItem(ItemModel):
    email = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds (TTL)


class LoginRateItem(ItemModel):
    # Stored as "count", which is also the name of a Model method.
    asked = NumberAttribute(default=0, attr_name="count")
    expires_at = NumberAttribute()  # epoch seconds (TTL)
