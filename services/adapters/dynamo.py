"""The single DynamoDB table, through pynamodb.

Items, one partition per ticket:
  pk=TICKET#<n>  sk=META                       the ticket (versioned: optimistic locking)
  pk=TICKET#<n>  sk=EVENT#<seq>                one immutable event (history and outbox); seq is
                                               the ticket version the change created, so events
                                               sort in the order the lock admitted them, whatever
                                               the clocks of the writers said
  pk=TICKET#<n>  sk=MAIL#<event id>#<to>       mail ledger: one mail per event and recipient
  pk=COUNTER     sk=TICKET                     the ticket-number counter

GSI keys live only on the ticket item. status_key is one partition per status: fine for a
team's queue (thousands of open tickets); shard it as status#0..N when one status nears
DynamoDB's per-partition limits (1,000 writes/s).

Model classes are bound to a table at run time (`TableModels`), so nothing reads settings or
builds a client at import time, and tests can point them at any table.
"""

from __future__ import annotations

import json
from datetime import date
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
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from services.domain.errors import Conflict, TicketNotFound
from services.domain.events import Event
from services.domain.intake import Requester
from services.domain.lifecycle import Status
from services.domain.ticket import Ticket

META = "META"
EVENT_PREFIX = "EVENT#"


def ticket_pk(number: int) -> str:
    return f"TICKET#{number}"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


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


class _TimerIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-next-timer"
        projection = KeysOnlyProjection()

    timer_key = UnicodeAttribute(hash_key=True)
    timer_at = UnicodeAttribute(range_key=True)


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
    token_salt = UnicodeAttribute()
    token_digest = UnicodeAttribute()
    version = VersionAttribute()

    # GSI keys, derived from the fields above on every save.
    status_key = UnicodeAttribute(null=True)
    owner_key = UnicodeAttribute(null=True)
    requester_key = UnicodeAttribute(null=True)
    sort_at = UnicodeAttribute(null=True)
    timer_key = UnicodeAttribute(null=True)
    timer_at = UnicodeAttribute(null=True)

    by_status = _StatusIndex()
    by_owner = _OwnerIndex()
    by_requester = _RequesterIndex()
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


class MailLedgerItemBase(_Item):
    claimed_at = UTCDateTimeAttribute()
    message_id = UnicodeAttribute(null=True)


class CounterItemBase(_Item):
    value = NumberAttribute(default=0)


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

    @cached_property
    def connection(self) -> Connection:
        return Connection(region=self.region, host=self.host)


def ticket_to_item(models: TableModels, t: Ticket) -> Model:
    item = models.Ticket(
        ticket_pk(t.number),
        META,
        number=t.number,
        type=t.type,
        title=t.title,
        requirements=t.requirements,
        end_state=t.end_state or None,
        acceptance_criteria=list(t.acceptance_criteria) or None,
        drop_dead_date=_iso(t.drop_dead_date),
        nice_to_have_date=_iso(t.nice_to_have_date),
        capacity_needs=t.capacity_needs or None,
        security_needs=t.security_needs or None,
        dependencies=list(t.dependencies) or None,
        requester=RequesterMap(name=t.requester.name, email=t.requester.email),
        private=t.private,
        status=t.status.value,
        created_at=t.created_at,
        updated_at=t.updated_at,
        acknowledged_at=t.acknowledged_at,
        token_salt=t.token_salt,
        token_digest=t.token_digest,
        status_key=f"STATUS#{t.status.value}",
        requester_key=f"REQUESTER#{t.requester.email}",
        sort_at=f"{t.created_at.isoformat()}#{t.number:010d}",
    )
    if t.version is not None:
        item.version = t.version
    return item


def item_to_ticket(item: Model) -> Ticket:
    return Ticket(
        number=int(item.number),
        type=item.type,
        title=item.title,
        requirements=item.requirements,
        end_state=item.end_state or "",
        acceptance_criteria=list(item.acceptance_criteria or []),
        drop_dead_date=date.fromisoformat(item.drop_dead_date) if item.drop_dead_date else None,
        nice_to_have_date=(
            date.fromisoformat(item.nice_to_have_date) if item.nice_to_have_date else None
        ),
        capacity_needs=item.capacity_needs or "",
        security_needs=item.security_needs or "",
        dependencies=list(item.dependencies or []),
        requester=Requester(name=item.requester.name, email=item.requester.email),
        private=bool(item.private),
        status=Status(item.status),
        created_at=item.created_at,
        updated_at=item.updated_at,
        acknowledged_at=item.acknowledged_at,
        token_salt=item.token_salt,
        token_digest=item.token_digest,
        version=item.version,
    )


def event_key(seq: int) -> str:
    return f"{EVENT_PREFIX}{seq:010d}"


def event_to_item(models: TableModels, e: Event, seq: int) -> Model:
    return models.Event(
        ticket_pk(e.ticket),
        event_key(seq),
        id=e.id,
        ticket=e.ticket,
        kind=e.kind,
        at=e.at,
        actor=e.actor,
        public=e.public,
        data=json.dumps(e.data, sort_keys=True),
    )


def item_to_event(item: Model) -> Event:
    return Event(
        id=item.id,
        ticket=int(item.ticket),
        kind=item.kind,
        at=item.at,
        actor=item.actor,
        public=bool(item.public),
        data=json.loads(item.data or "{}"),
    )


def _is_condition_failure(error: TransactWriteError | PutError) -> bool:
    reasons = getattr(error, "cancellation_reasons", None) or []
    if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
        return True
    return error.cause_response_code == "ConditionalCheckFailedException"


class DynamoTicketRepository:
    """TicketRepository on the table; every change is one TransactWriteItems."""

    def __init__(self, models: TableModels):
        self.models = models

    def next_number(self) -> int:
        # One UpdateItem with ADD: atomic under any concurrency, no read first.
        counter = self.models.Counter("COUNTER", "TICKET")
        counter.update(actions=[self.models.Counter.value.add(1)])
        return int(counter.value)

    def add(self, ticket: Ticket, event: Event) -> None:
        self._write(ticket, event)

    def save(self, ticket: Ticket, event: Event) -> None:
        if ticket.version is None:
            raise ValueError("save() needs a ticket read from the repository; use add()")
        self._write(ticket, event)

    def _write(self, ticket: Ticket, event: Event) -> None:
        item = ticket_to_item(self.models, ticket)
        event_item = event_to_item(self.models, event, seq=(ticket.version or 0) + 1)
        try:
            with TransactWrite(connection=self.models.connection) as tx:
                # The version condition (attribute_not_exists on create) is added by pynamodb.
                tx.save(item)
                tx.save(event_item, condition=self.models.Event.pk.does_not_exist())
        except TransactWriteError as e:
            if _is_condition_failure(e):
                raise Conflict(
                    f"ticket {ticket.number} was changed by someone else; reload and retry"
                ) from None
            raise
        ticket.version = item.version

    def get(self, number: int) -> Ticket:
        try:
            item = self.models.Ticket.get(ticket_pk(number), META, consistent_read=True)
        except DoesNotExist:
            raise TicketNotFound(number) from None
        return item_to_ticket(item)

    def history(self, number: int) -> list[Event]:
        items = self.models.Event.query(
            ticket_pk(number), self.models.Event.sk.startswith(EVENT_PREFIX)
        )
        return [item_to_event(i) for i in items]


class DynamoMailLedger:
    """MailLedger as conditional puts in the ticket's partition."""

    def __init__(self, models: TableModels, clock):
        self.models = models
        self.clock = clock

    def _key(self, ticket: int, event_id: str, recipient: str) -> tuple[str, str]:
        return ticket_pk(ticket), f"MAIL#{event_id}#{recipient.lower()}"

    def claim(self, ticket: int, event_id: str, recipient: str) -> bool:
        item = self.models.MailLedger(
            *self._key(ticket, event_id, recipient), claimed_at=self.clock.now()
        )
        try:
            item.save(condition=self.models.MailLedger.pk.does_not_exist())
        except PutError as e:
            if _is_condition_failure(e):
                return False
            raise
        return True

    def release(self, ticket: int, event_id: str, recipient: str) -> None:
        self.models.MailLedger(*self._key(ticket, event_id, recipient)).delete()

    def mark_sent(self, ticket: int, event_id: str, recipient: str, message_id: str) -> None:
        item = self.models.MailLedger(*self._key(ticket, event_id, recipient))
        item.update(actions=[self.models.MailLedger.message_id.set(message_id)])


def event_from_stream_image(image: dict) -> Event | None:
    """The Event in a stream record's NEW_IMAGE (already deserialised), or None when the item
    is not an event (tickets, ledger entries and the counter pass through the stream too)."""
    if not str(image.get("sk", "")).startswith(EVENT_PREFIX):
        return None
    return Event(
        id=str(image["id"]),
        ticket=int(image["ticket"]),
        kind=str(image["kind"]),
        at=UTCDateTimeAttribute().deserialize(image["at"]),
        actor=str(image["actor"]),
        public=bool(image["public"]),
        data=json.loads(image.get("data") or "{}"),
    )
