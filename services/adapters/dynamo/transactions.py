"""One TransactWriteItems per change, and what its refusals mean in the domain's words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from services.domain.errors import AlreadyDone, NotDone, StaleVersion, WipLimitReached
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.ticket import FINISHED, Change, Ticket, WipChange

from .codecs import encode_event, encode_ticket
from .keys import META, inbox_pk, link_pk, ticket_pk
from .models import EventItem, InboxItem, LinkItem, TicketItem, WipItem
from .table import DynamoTable

# pynamodb sends condition checks, then deletes, puts and updates, whatever the order they
# were added in; DynamoDB's cancellation reasons follow the order sent.
CHECK, PUT, UPDATE = 0, 2, 3


@dataclass(frozen=True)
class _Op:
    sent: int  # CHECK, PUT or UPDATE
    meaning: Exception  # what its condition failing means
    add: Callable[[TransactWrite], None]


class Transaction:
    """Builds one TransactWriteItems and remembers what each item stands for, so a cancelled
    transaction becomes the right domain error."""

    def __init__(self, table: DynamoTable):
        self.table = table
        self.ops: list[_Op] = []
        self.wip: list[WipChange] = []

    def put_ticket(self, ticket: Ticket, event: Event | None) -> TicketItem:
        item = encode_ticket(ticket)
        conflict = StaleVersion(
            f"ticket #{ticket.number} was changed by someone else; reload and retry"
        )
        # The version condition (attribute_not_exists on create) is added by pynamodb.
        self.ops.append(_Op(PUT, conflict, lambda tx: tx.save(item)))
        if event is not None:  # housekeeping changes (a re-planned timer) record no event
            event_item = encode_event(event, (ticket.version or 0) + 1)
            condition = EventItem.pk.does_not_exist()
            self.ops.append(_Op(PUT, conflict, lambda tx: tx.save(event_item, condition)))
        return item

    def move_wip(self, change: WipChange) -> None:
        condition = None
        if change.limit is not None and change.delta > 0:
            room = WipItem.open_count <= change.limit - change.delta
            # No counter yet means nothing owned: the move fits if the delta alone does (a
            # comparison with a missing attribute is false, so over the limit it fails).
            condition = (
                room
                if change.delta > change.limit
                else (WipItem.open_count.does_not_exist() | room)
            )
        item = WipItem(f"MEMBER#{change.member}", "WIP")
        actions: list[Action] = [WipItem.open_count.add(change.delta)]
        meaning = WipLimitReached(change.member, change.limit or 0)
        self.ops.append(_Op(UPDATE, meaning, lambda tx: tx.update(item, actions, condition)))

    def receipt(self, message: Inbound, ticket: int, now: datetime) -> None:
        """Mark the delivery applied, once: a redelivered message cancels the change."""
        item = InboxItem(inbox_pk(message), META)
        actions: list[Action] = [
            InboxItem.applied_at.set(now),
            InboxItem.outcome.set("applied"),
            InboxItem.ticket.set(ticket),
        ]
        condition = InboxItem.pk.exists() & InboxItem.applied_at.does_not_exist()
        meaning = AlreadyDone(f"delivery {message.key} was applied already")
        self.ops.append(_Op(UPDATE, meaning, lambda tx: tx.update(item, actions, condition)))

    def link(self, thread: str, ticket: int, now: datetime, replacing: int | None = None) -> None:
        """One ticket per thread: a second filing for it races and loses, then comments. A
        link that moves (`replacing`: the ticket it points at) must not have moved since."""
        item = LinkItem(link_pk(thread), META, ticket=ticket, created_at=now)
        condition = (
            LinkItem.pk.does_not_exist() if replacing is None else LinkItem.ticket == replacing
        )
        meaning = StaleVersion(f"{thread} was linked to a ticket meanwhile; retry")
        self.ops.append(_Op(PUT, meaning, lambda tx: tx.save(item, condition)))

    def require_finished(self, number: int) -> None:
        finished = TicketItem.status.is_in(*(s.value for s in FINISHED))
        meaning = NotDone(f"ticket #{number} is not finished yet")
        self.ops.append(
            _Op(
                CHECK,
                meaning,
                lambda tx: tx.condition_check(TicketItem, ticket_pk(number), META, finished),
            )
        )

    def change(self, ticket: Ticket, change: Change) -> TicketItem:
        item = self.put_ticket(ticket, change.event)
        self.wip.extend(change.wip)
        for number in change.require_finished:
            self.require_finished(number)
        return item

    def _sum_wip(self) -> None:
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

    def commit(self) -> None:
        self._sum_wip()
        ordered = sorted(self.ops, key=lambda op: op.sent)
        try:
            with TransactWrite(connection=self.table.connection) as tx:
                for op in ordered:
                    op.add(tx)
        except TransactWriteError as e:
            reasons = getattr(e, "cancellation_reasons", None) or []
            for op, reason in zip(ordered, reasons, strict=False):
                if reason is not None and reason.code == "ConditionalCheckFailed":
                    raise op.meaning from None
            if any(r is not None and r.code == "TransactionConflict" for r in reasons):
                raise StaleVersion("the ticket is being changed by someone else; retry") from None
            raise
