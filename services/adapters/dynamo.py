"""The single DynamoDB table, through pynamodb.

Items, one partition per ticket:
  pk=TICKET#<n>  sk=META                       the ticket (versioned: optimistic locking)
  pk=TICKET#<n>  sk=EVENT#<seq>                one immutable event (history and outbox); seq is
                                               the ticket version the change created, so events
                                               sort in the order the lock admitted them, whatever
                                               the clocks of the writers said
  pk=TICKET#<n>  sk=MAIL#<event id>#<to>       mail ledger: one mail per event and recipient
  pk=COUNTER     sk=TICKET                     the ticket-number counter
  pk=MEMBER#<id> sk=WIP                        a member's open owned tickets (WIP limits)
  pk=STAFF#<id>  sk=TOKEN#<sha256>             a staff API token, by digest only
  pk=INBOX#<source>#<delivery>  sk=META        a webhook delivery or mail, recorded once (the
                                               stream carries it to the inbound queue), marked
                                               when applied; expires after INBOX_DAYS
  pk=LINK#<thread>  sk=META                    the ticket filed for a tool's issue or alert group
  pk=LOGIN#<sha256>  sk=META                   a requester's one-time sign-in link (TTL)
  pk=LOGINRATE#<sha256 of address>  sk=W#<t>   links asked for in a 15-minute window (TTL)

GSI keys live only on the ticket item. status_key is one partition per status: fine for a
team's queue (thousands of open tickets); shard it as status#0..N when one status nears
DynamoDB's per-partition limits (1,000 writes/s).

Model classes are bound to a table at run time (`TableModels`), so nothing reads settings or
builds a client at import time, and tests can point them at any table.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
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

from services.domain.errors import (
    AlreadyDone,
    NotDone,
    StaleVersion,
    TicketNotFound,
    WipLimitReached,
)
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.intake import Requester
from services.domain.lifecycle import Status
from services.domain.ticket import FINISHED, Change, Escalation, Ticket, WipChange
from services.domain.tokens import token_digest
from services.domain.triage_rules import Complexity

META = "META"
EVENT_PREFIX = "EVENT#"
INBOX_PREFIX = "INBOX#"
# Deliveries are remembered this long: a tool redelivering later than that files again.
INBOX_DAYS = 90


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
        status_since=t.status_since,
        owner=t.owner,
        complexity=json.dumps(dataclasses.asdict(t.complexity)) if t.complexity else None,
        escalation=_escalation_json(t.escalation),
        skills=list(t.skills) or None,
        missing=list(t.missing) or None,
        eta=_iso(t.eta),
        parent=t.parent,
        children=list(t.children) or None,
        depends_on=list(t.depends_on) or None,
        postponed_from=t.postponed_from.value if t.postponed_from else None,
        postponed_until=t.postponed_until,
        postponed_public=t.postponed_public or None,
        timers=json.dumps({k: _utc_iso(v) for k, v in sorted(t.timers.items())})
        if t.timers
        else None,
        fired=list(t.fired) or None,
        sla_breached=list(t.sla_breached) or None,
        token_salt=t.token_salt,
        token_digest=t.token_digest,
        status_key=f"STATUS#{t.status.value}",
        # Only open tickets count against their owner and show in "my tickets".
        owner_key=f"OWNER#{t.owner}" if t.owner and t.is_open else None,
        requester_key=f"REQUESTER#{t.requester.email}",
        escalation_key="ESCALATED" if t.escalation and t.is_open else None,
        sort_at=f"{t.created_at.isoformat()}#{t.number:010d}",
        # Sparse: only a ticket with a pending timer is in the index, at its earliest one. One
        # partition: the minute job reads a handful of due items; shard as TIMER#0..N beyond
        # ~1,000 timer writes a second.
        timer_key="TIMER" if t.timers else None,
        timer_at=_utc_iso(min(t.timers.values())) if t.timers else None,
        # Sparse: a private ticket has no key, so the public queue cannot read it.
        public_key=None if t.private else f"PUBLIC#{t.status.value}",
        last_update_at=t.last_update_at,
        last_update=t.last_update or None,
    )
    if t.version is not None:
        item.version = t.version
    return item


def _utc_iso(moment: datetime) -> str:
    """Sortable as text: every timer is written in UTC with microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _escalation_json(e: Escalation | None) -> str | None:
    if e is None:
        return None
    return json.dumps({"to": e.to, "by": e.by, "reason": e.reason, "at": e.at.isoformat()})


def _escalation(text: str | None) -> Escalation | None:
    if not text:
        return None
    data = json.loads(text)
    return Escalation(data["to"], data["by"], data["reason"], datetime.fromisoformat(data["at"]))


def _complexity(text: str | None) -> Complexity | None:
    if not text:
        return None
    data = json.loads(text)
    return Complexity(data["size"], int(data["points"]), tuple(data["reasons"]))


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
        status_since=item.status_since,
        owner=item.owner,
        complexity=_complexity(item.complexity),
        escalation=_escalation(item.escalation),
        skills=list(item.skills or []),
        missing=list(item.missing or []),
        eta=date.fromisoformat(item.eta) if item.eta else None,
        parent=int(item.parent) if item.parent is not None else None,
        children=[int(n) for n in item.children or []],
        depends_on=[int(n) for n in item.depends_on or []],
        postponed_from=Status(item.postponed_from) if item.postponed_from else None,
        postponed_until=item.postponed_until,
        postponed_public=bool(item.postponed_public),
        timers={k: datetime.fromisoformat(v) for k, v in json.loads(item.timers or "{}").items()},
        fired=list(item.fired or []),
        sla_breached=list(item.sla_breached or []),
        last_update_at=item.last_update_at,
        last_update=item.last_update or "",
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
        day_key=day_key(e.at.date() if e.at.utcoffset() is None else e.at.astimezone(UTC).date()),
    )


def day_key(day: date) -> str:
    return f"DAY#{day.isoformat()}"


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


_SENT = {"condition_check": 0, "delete": 1, "save": 2, "update": 3}


class _Transaction:
    """Builds one TransactWriteItems and remembers what each item stands for, so a cancelled
    transaction becomes the right domain error."""

    def __init__(self, models: TableModels):
        self.models = models
        self.ops: list[tuple[str, tuple, dict]] = []
        self.meanings: list[Exception] = []
        self.wip: list[WipChange] = []

    def _add(self, op: str, meaning: Exception, *args, **kwargs) -> None:
        self.ops.append((op, args, kwargs))
        self.meanings.append(meaning)

    def put_ticket(self, ticket: Ticket, event: Event | None) -> Model:
        item = ticket_to_item(self.models, ticket)
        conflict = StaleVersion(
            f"ticket #{ticket.number} was changed by someone else; reload and retry"
        )
        # The version condition (attribute_not_exists on create) is added by pynamodb.
        self._add("save", conflict, item)
        if event is not None:  # housekeeping changes (a re-planned timer) record no event
            seq = (ticket.version or 0) + 1
            event_item = event_to_item(self.models, event, seq)
            self._add("save", conflict, event_item, condition=self.models.Event.pk.does_not_exist())
        return item

    def move_wip(self, change: WipChange) -> None:
        Wip = self.models.Wip
        condition = None
        if change.limit is not None and change.delta > 0:
            condition = Wip.open_count.does_not_exist() | (
                Wip.open_count <= change.limit - change.delta
            )
        item = Wip(f"MEMBER#{change.member}", "WIP")
        meaning = WipLimitReached(change.member, change.limit or 0)
        self._add(
            "update", meaning, item, actions=[Wip.open_count.add(change.delta)], condition=condition
        )

    def receipt(self, message: Inbound, ticket: int, now: datetime) -> None:
        """Mark the delivery applied, once: a redelivered message cancels the change."""
        Inbox = self.models.Inbox
        item = Inbox(inbox_pk(message), META)
        self._add(
            "update",
            AlreadyDone(f"delivery {message.key} was applied already"),
            item,
            actions=[
                Inbox.applied_at.set(now),
                Inbox.outcome.set("applied"),
                Inbox.ticket.set(ticket),
            ],
            condition=Inbox.pk.exists() & Inbox.applied_at.does_not_exist(),
        )

    def link(self, thread: str, ticket: int, now: datetime) -> None:
        """One ticket per thread: a second filing for it races and loses, then comments."""
        Link = self.models.Link
        item = Link(link_pk(thread), META, ticket=ticket, created_at=now)
        meaning = StaleVersion(f"{thread} was linked to a ticket meanwhile; retry")
        self._add("save", meaning, item, condition=Link.pk.does_not_exist())

    def require_finished(self, number: int) -> None:
        T = self.models.Ticket
        finished = T.status.is_in(*(s.value for s in FINISHED))
        meaning = NotDone(f"ticket #{number} is not finished yet")
        self._add("condition_check", meaning, T, ticket_pk(number), META, condition=finished)

    def change(self, ticket: Ticket, change: Change) -> Model:
        item = self.put_ticket(ticket, change.event)
        self.wip.extend(change.wip)
        for number in change.require_finished:
            self.require_finished(number)
        return item

    def commit(self) -> None:
        # One update per member: a transaction may not touch an item twice (a split giving
        # two sub-tickets to one engineer), so their moves are summed under one condition.
        moves: dict[str, list[WipChange]] = {}
        for w in self.wip:
            moves.setdefault(w.member, []).append(w)
        for member, changes in moves.items():
            limits = [w.limit for w in changes if w.limit is not None and w.delta > 0]
            delta = sum(w.delta for w in changes)
            if delta:
                self.move_wip(WipChange(member, delta, min(limits) if limits else None))
        # pynamodb sends condition checks, deletes, puts, then updates, whatever the order
        # they were added in; DynamoDB's cancellation reasons follow the request's order.
        ordered = sorted(zip(self.ops, self.meanings, strict=True), key=lambda x: _SENT[x[0][0]])
        try:
            with TransactWrite(connection=self.models.connection) as tx:
                for (op, args, kwargs), _ in ordered:
                    getattr(tx, op)(*args, **kwargs)
        except TransactWriteError as e:
            reasons = getattr(e, "cancellation_reasons", None) or []
            for (_, meaning), reason in zip(ordered, reasons, strict=False):
                if reason is not None and reason.code == "ConditionalCheckFailed":
                    raise meaning from None
            if any(r is not None and r.code == "TransactionConflict" for r in reasons):
                raise StaleVersion("the ticket is being changed by someone else; retry") from None
            raise


class DynamoTicketRepository:
    """TicketRepository on the table; every change is one TransactWriteItems."""

    def __init__(self, models: TableModels):
        self.models = models

    def next_number(self, count: int = 1) -> int:
        """The last of `count` new numbers. One UpdateItem with ADD: atomic, no read first."""
        counter = self.models.Counter("COUNTER", "TICKET")
        counter.update(actions=[self.models.Counter.value.add(count)])
        return int(counter.value)

    def add(
        self,
        ticket: Ticket,
        event: Event,
        *,
        receipt: Inbound | None = None,
        thread: str = "",
    ) -> None:
        """A new ticket; filed for a delivery (`receipt`), in the same transaction the
        delivery is marked applied and the tool's thread linked to it."""
        self.save(ticket, Change(event), receipt=receipt, thread=thread)

    def save(
        self,
        ticket: Ticket,
        change: Change | Event,
        *,
        receipt: Inbound | None = None,
        thread: str = "",
    ) -> None:
        if isinstance(change, Event):
            change = Change(change)
        tx = _Transaction(self.models)
        item = tx.change(ticket, change)
        if receipt is not None:
            tx.receipt(receipt, ticket.number, ticket.updated_at)
        if thread:
            tx.link(thread, ticket.number, ticket.updated_at)
        tx.commit()
        ticket.version = item.version

    def save_split(
        self, parent: Ticket, change: Change, children: Sequence[tuple[Ticket, Change]]
    ) -> None:
        """The parent's split and every new sub-ticket: one transaction (at most 100 items)."""
        tx = _Transaction(self.models)
        items = [(parent, tx.change(parent, change))]
        items += [(child, tx.change(child, child_change)) for child, child_change in children]
        tx.commit()
        for ticket, item in items:
            ticket.version = item.version

    def get(self, number: int) -> Ticket:
        try:
            item = self.models.Ticket.get(ticket_pk(number), META, consistent_read=True)
        except DoesNotExist:
            raise TicketNotFound(number) from None
        return item_to_ticket(item)

    def get_many(self, numbers: Iterable[int]) -> dict[int, Ticket]:
        keys = [(ticket_pk(n), META) for n in dict.fromkeys(numbers)]
        return {int(i.number): item_to_ticket(i) for i in self.models.Ticket.batch_get(keys)}

    def history(self, number: int) -> list[Event]:
        # Consistent: the scheduler plans timers from it right after a change.
        items = self.models.Event.query(
            ticket_pk(number), self.models.Event.sk.startswith(EVENT_PREFIX), consistent_read=True
        )
        return [item_to_event(i) for i in items]

    # -- queue views: GSI queries, oldest first ------------------------------------------------

    def _query(self, index, key: str, limit: int) -> list[Ticket]:
        return [item_to_ticket(i) for i in index.query(key, limit=limit)]

    def by_status(self, status: Status, limit: int = 200) -> list[Ticket]:
        return self._query(self.models.Ticket.by_status, f"STATUS#{status.value}", limit)

    def by_owner(self, member: str, limit: int = 200) -> list[Ticket]:
        return self._query(self.models.Ticket.by_owner, f"OWNER#{member}", limit)

    def escalated(self, limit: int = 200) -> list[Ticket]:
        return self._query(self.models.Ticket.by_escalation, "ESCALATED", limit)

    def due(self, now: datetime, limit: int = 500) -> list[int]:
        """Tickets with a timer due at `now`: one Query of the sparse timer index, which
        reads only the due items (KEYS_ONLY), never the table."""
        index = self.models.Ticket.by_next_timer
        items = index.query("TIMER", self.models.Ticket.timer_at <= _utc_iso(now), limit=limit)
        return [int(i.pk.removeprefix("TICKET#")) for i in items]

    def public(
        self, status: Status, *, limit: int = 100, newest_first: bool = False, after: str = ""
    ) -> tuple[list[Ticket], str]:
        """One page of the sparse public index; the cursor is the last item's sort key."""
        T = self.models.Ticket
        key = f"PUBLIC#{status.value}"
        start = {"public_key": {"S": key}, "sort_at": {"S": after}} if after else None
        if start:
            number = int(after.rpartition("#")[2])
            start |= {"pk": {"S": ticket_pk(number)}, "sk": {"S": META}}
        results = T.by_public.query(
            key, limit=limit, scan_index_forward=not newest_first, last_evaluated_key=start
        )
        tickets = [item_to_ticket(i) for i in results]
        last = results.last_evaluated_key
        return tickets, (last["sort_at"]["S"] if last and len(tickets) == limit else "")

    def by_requester(self, email: str, limit: int = 200) -> list[Ticket]:
        index = self.models.Ticket.by_requester
        items = index.query(f"REQUESTER#{email.lower()}", limit=limit, scan_index_forward=False)
        return [item_to_ticket(i) for i in items]

    def events_on(self, day: date) -> list[Event]:
        return [item_to_event(i) for i in self.models.Event.by_day.query(day_key(day))]

    def open_counts(self, members: Iterable[str]) -> dict[str, int]:
        """Each member's open owned tickets, from the WIP counters (one BatchGetItem)."""
        keys = [(f"MEMBER#{m}", "WIP") for m in dict.fromkeys(members)]
        counts = {m: 0 for m in dict.fromkeys(members)}
        for item in self.models.Wip.batch_get(keys):
            counts[item.pk.removeprefix("MEMBER#")] = int(item.open_count or 0)
        return counts


class DynamoStaffTokens:
    """Staff API tokens: `rtf_<member>_<secret>`; the table keeps only SHA-256 of the secret."""

    def __init__(self, models: TableModels, clock):
        self.models = models
        self.clock = clock

    def issue(self, member: str, label: str = "") -> str:
        import secrets

        secret = secrets.token_urlsafe(32)
        self.models.StaffToken(
            f"STAFF#{member}",
            f"TOKEN#{token_digest(secret)}",
            member=member,
            label=label or None,
            created_at=self.clock.now(),
        ).save()
        return f"rtf_{member}_{secret}"

    @staticmethod
    def parse(token: str) -> tuple[str, str] | None:
        """(member, digest of the secret) of a well-formed token."""
        prefix, _, rest = token.partition("_")
        member, _, secret = rest.partition("_")  # member ids hold no "_"; secrets may
        if prefix != "rtf" or not member or len(secret) < 20 or len(token) > 200:
            return None
        return member, token_digest(secret)

    def exists(self, member: str, digest: str) -> bool:
        try:
            self.models.StaffToken.get(f"STAFF#{member}", f"TOKEN#{digest}")
        except DoesNotExist:
            return False
        return True

    def verify(self, token: str) -> str | None:
        """The member a token belongs to, or None (malformed, unknown or revoked)."""
        parsed = self.parse(token)
        return parsed[0] if parsed and self.exists(*parsed) else None

    def revoke_all(self, member: str) -> int:
        items = list(
            self.models.StaffToken.query(
                f"STAFF#{member}", self.models.StaffToken.sk.startswith("TOKEN#")
            )
        )
        for item in items:
            item.delete()
        return len(items)


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
        # Never release a mail that is recorded as sent.
        item = self.models.MailLedger(*self._key(ticket, event_id, recipient))
        item.delete(condition=self.models.MailLedger.message_id.does_not_exist())

    def mark_sent(self, ticket: int, event_id: str, recipient: str, message_id: str) -> None:
        item = self.models.MailLedger(*self._key(ticket, event_id, recipient))
        item.update(
            actions=[self.models.MailLedger.message_id.set(message_id)],
            condition=self.models.MailLedger.pk.exists(),
        )


class LoginLinkItemBase(_Item):
    email = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds: the table's TTL attribute


class LoginRateItemBase(_Item):
    count = NumberAttribute(default=0)
    expires_at = NumberAttribute()


class DynamoRequesterLinks:
    """One-time sign-in links: pk LOGIN#<sha256 of the token>; redeemed by a conditional
    delete, so a link signs in once, however many tabs race for it. At most PER_WINDOW links
    per address and WINDOW_SECONDS (a conditional counter, pk LOGINRATE#<address digest>), so
    the public sign-in page cannot be used to mail someone again and again."""

    LIFETIME_SECONDS = 30 * 60
    WINDOW_SECONDS = 15 * 60
    PER_WINDOW = 3

    def __init__(self, models: TableModels, clock):
        self.models = models
        self.clock = clock

    def _within_rate(self, email: str) -> bool:
        from pynamodb.exceptions import UpdateError

        Rate = self.models.LoginRate
        now = int(self.clock.now().timestamp())
        window = now - now % self.WINDOW_SECONDS
        item = Rate(f"LOGINRATE#{token_digest(email)}", f"W#{window}")
        try:
            item.update(
                actions=[Rate.count.add(1), Rate.expires_at.set(window + 2 * self.WINDOW_SECONDS)],
                condition=Rate.count.does_not_exist() | (Rate.count < self.PER_WINDOW),
            )
        except UpdateError as e:
            if _is_condition_failure(e):
                return False
            raise
        return True

    def issue(self, email: str) -> str | None:
        import secrets

        email = email.lower()
        if not self._within_rate(email):
            return None
        token = secrets.token_urlsafe(32)
        expires = int(self.clock.now().timestamp()) + self.LIFETIME_SECONDS
        self.models.LoginLink(
            f"LOGIN#{token_digest(token)}", META, email=email.lower(), expires_at=expires
        ).save()
        return token

    def redeem(self, token: str) -> str | None:
        from pynamodb.exceptions import DeleteError

        if not token or len(token) > 128:
            return None
        Link = self.models.LoginLink
        try:
            item = Link.get(f"LOGIN#{token_digest(token)}", META, consistent_read=True)
        except DoesNotExist:
            return None
        now = int(self.clock.now().timestamp())
        try:
            item.delete(condition=Link.pk.exists() & (Link.expires_at > now))
        except DeleteError as e:
            if _is_condition_failure(e):
                return None  # used by another request meanwhile, or expired
            raise
        return item.email


def inbox_pk(message: Inbound) -> str:
    return f"{INBOX_PREFIX}{message.key}"


def link_pk(thread: str) -> str:
    return f"LINK#{thread}"


class DynamoInbox:
    """Inbox on the table: a conditional put per delivery; the stream does the enqueueing."""

    def __init__(self, models: TableModels, clock):
        self.models = models
        self.clock = clock

    def record(self, message: Inbound) -> bool:
        now = self.clock.now()
        item = self.models.Inbox(
            inbox_pk(message),
            META,
            message=message.model_dump_json(),
            received_at=now,
            expires_at=int(now.timestamp()) + INBOX_DAYS * 86400,
        )
        try:
            item.save(condition=self.models.Inbox.pk.does_not_exist())
        except PutError as e:
            if _is_condition_failure(e):
                return False
            raise
        return True

    def settle(self, message: Inbound, outcome: str) -> bool:
        from pynamodb.exceptions import UpdateError

        Inbox = self.models.Inbox
        try:
            Inbox(inbox_pk(message), META).update(
                actions=[Inbox.applied_at.set(self.clock.now()), Inbox.outcome.set(outcome[:500])],
                condition=Inbox.pk.exists() & Inbox.applied_at.does_not_exist(),
            )
        except UpdateError as e:
            if _is_condition_failure(e):
                return False
            raise
        return True

    def linked(self, thread: str) -> int | None:
        try:
            return int(self.models.Link.get(link_pk(thread), META, consistent_read=True).ticket)
        except DoesNotExist:
            return None

    def outcome(self, message: Inbound) -> str | None:
        """What became of a delivery (None while it waits); for tests and the CLI."""
        try:
            item = self.models.Inbox.get(inbox_pk(message), META, consistent_read=True)
        except DoesNotExist:
            return None
        return item.outcome


def inbound_from_stream_image(image: dict) -> Inbound | None:
    """The Inbound in a new inbox item's stream image, or None for any other item."""
    if not str(image.get("pk", "")).startswith(INBOX_PREFIX):
        return None
    return Inbound.model_validate_json(image["message"])


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
