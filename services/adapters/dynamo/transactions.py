"""One TransactWriteItems per change, and what its refusals mean in the domain's words."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from services.domain.errors import AlreadyDone, NotDone, StaleVersion, WipLimitReached
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.ticket import FINISHED, Change, Ticket, WipChange

from .codecs import event_to_item, ticket_to_item
from .keys import META, inbox_pk, link_pk, ticket_pk
from .models import TableModels


def is_condition_failure(error: TransactWriteError | PutError) -> bool:
    reasons = getattr(error, "cancellation_reasons", None) or []
    if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
        return True
    return error.cause_response_code == "ConditionalCheckFailedException"


_SENT = {"condition_check": 0, "delete": 1, "save": 2, "update": 3}


class Transaction:
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
