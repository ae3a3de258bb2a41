"""The item models and the table's global secondary indexes.

Model classes are bound to a table at run time (`TableModels`), so nothing reads settings or
builds a client at import time, and tests can point them at any table.
"""

from __future__ import annotations

from functools import cached_property

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model


class _StatusIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-status"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class _OwnerIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-owner"
        projection = AllProjection()

    owner_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class _RequesterIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-requester"
        projection = AllProjection()

    requester_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class _EscalationIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-escalation"
        projection = AllProjection()

    escalation_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class _TimerIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-next-timer"
        projection = KeysOnlyProjection()

    timer_key = UnicodeAttribute(hash_key=True)
    timer_at = UnicodeAttribute(range_key=True)


class _PublicIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-public"
        projection = AllProjection()

    public_key = UnicodeAttribute(hash_key=True)
    sort_at = UnicodeAttribute(range_key=True)


class _DayIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-day"
        projection = AllProjection()

    day_key = UnicodeAttribute(hash_key=True)
    at = UTCDateTimeAttribute(range_key=True)


class RequesterMap(MapAttribute):
    name = UnicodeAttribute()
    email = UnicodeAttribute()


class _Item(Model):
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class TicketItemBase(_Item):
    number = NumberAttribute()
    type = UnicodeAttribute()
    title = UnicodeAttribute()
    requirements = UnicodeAttribute()
    end_state = UnicodeAttribute(null=True)
    acceptance_criteria = ListAttribute(of=UnicodeAttribute, null=True)
    drop_dead_date = UnicodeAttribute(null=True)
    nice_to_have_date = UnicodeAttribute(null=True)
    capacity_needs = UnicodeAttribute(null=True)
    security_needs = UnicodeAttribute(null=True)
    dependencies = ListAttribute(of=UnicodeAttribute, null=True)
    requester = RequesterMap()
    private = BooleanAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    acknowledged_at = UTCDateTimeAttribute(null=True)
    status_since = UTCDateTimeAttribute(null=True)
    owner = UnicodeAttribute(null=True)
    # JSON text: small values read whole.
    complexity = UnicodeAttribute(null=True)
    escalation = UnicodeAttribute(null=True)
    skills = ListAttribute(of=UnicodeAttribute, null=True)
    missing = ListAttribute(of=UnicodeAttribute, null=True)
    eta = UnicodeAttribute(null=True)
    parent = NumberAttribute(null=True)
    children = ListAttribute(of=NumberAttribute, null=True)
    depends_on = ListAttribute(of=NumberAttribute, null=True)
    postponed_from = UnicodeAttribute(null=True)
    postponed_until = UTCDateTimeAttribute(null=True)
    postponed_public = BooleanAttribute(null=True)
    timers = UnicodeAttribute(null=True)  # JSON: name -> ISO time
    fired = ListAttribute(of=UnicodeAttribute, null=True)
    sla_breached = ListAttribute(of=UnicodeAttribute, null=True)
    last_update_at = UTCDateTimeAttribute(null=True)
    last_update = UnicodeAttribute(null=True)
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

    by_status = _StatusIndex()
    by_public = _PublicIndex()
    by_owner = _OwnerIndex()
    by_requester = _RequesterIndex()
    by_escalation = _EscalationIndex()
    by_next_timer = _TimerIndex()


class EventItemBase(_Item):
    id = UnicodeAttribute()
    ticket = NumberAttribute()
    kind = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    public = BooleanAttribute()
    # JSON text: the event's payload is small, schemaless and read whole.
    data = UnicodeAttribute()
    day_key = UnicodeAttribute(null=True)  # DAY#<yyyy-mm-dd> (UTC): the by-day index

    by_day = _DayIndex()


class MailLedgerItemBase(_Item):
    claimed_at = UTCDateTimeAttribute()
    message_id = UnicodeAttribute(null=True)


class CounterItemBase(_Item):
    value = NumberAttribute(default=0)


class WipItemBase(_Item):
    open_count = NumberAttribute(default=0)


class StaffTokenItemBase(_Item):
    member = UnicodeAttribute()
    label = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class InboxItemBase(_Item):
    message = UnicodeAttribute()  # the Inbound, JSON
    received_at = UTCDateTimeAttribute()
    applied_at = UTCDateTimeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    ticket = NumberAttribute(null=True)
    expires_at = NumberAttribute()  # epoch seconds: the table's TTL attribute


class LinkItemBase(_Item):
    ticket = NumberAttribute()
    created_at = UTCDateTimeAttribute()


class LoginLinkItemBase(_Item):
    email = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds: the table's TTL attribute


class LoginRateItemBase(_Item):
    count = NumberAttribute(default=0)
    expires_at = NumberAttribute()


class TableModels:
    """The item classes bound to one table and endpoint."""

    def __init__(self, table_name: str, region: str, host: str | None = None):
        self.table_name, self.region, self.host = table_name, region, host

        class Meta:
            pass

        Meta.table_name, Meta.region, Meta.host = table_name, region, host

        def bind(base: type[Model]) -> type[Model]:
            return type(base.__name__.removesuffix("Base"), (base,), {"Meta": Meta})

        self.Ticket = bind(TicketItemBase)
        self.Event = bind(EventItemBase)
        self.MailLedger = bind(MailLedgerItemBase)
        self.Counter = bind(CounterItemBase)
        self.Wip = bind(WipItemBase)
        self.StaffToken = bind(StaffTokenItemBase)
        self.Inbox = bind(InboxItemBase)
        self.Link = bind(LinkItemBase)
        self.LoginLink = bind(LoginLinkItemBase)
        self.LoginRate = bind(LoginRateItemBase)

    @cached_property
    def connection(self) -> Connection:
        return Connection(region=self.region, host=self.host)
