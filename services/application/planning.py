"""Timers planned by the writer: the repository every use case saves through, on every home.

A change that moves a ticket (a status, an owner, a date) marks it for review
(domain/timers.py). Saved through `planned(...)`, the change's timers are planned before it is
written, from the ticket's history and the change's own event, so they go into the change's
own transaction and no housekeeping change follows; the scheduler only fires what is due. The
history is read only for a change that needs a plan and is not the ticket's first (the
filing's plan comes from its own event), and the flow config only when a plan is made.

A use case that reads with `get_with_history` (one read on DynamoDB) hands the plan its
history: the events of a ticket at a given version never change, so what that read found is
remembered by (number, version), with each change saved here appended, and the plan does not
read it again (actions.perform_answered builds the API's answer from the same read).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from services.domain import timers
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.ports import TicketRepository
from services.domain.ticket import Change, Ticket


class PlanningTickets:
    """A TicketRepository that plans a marked ticket's timers before each write; every
    other call goes to the store as it is."""

    # Histories remembered, the newest: a change needs its own only between its read and its
    # write, so a few per thread serving changes at once (a history may be hundreds of KB).
    KEEP = 32

    def __init__(self, store: TicketRepository, flow: Callable[[], FlowConfig]):
        self.store = store
        self._flow = flow
        self._known: OrderedDict[tuple[int, int | None], list[Event]] = OrderedDict()
        self._lock = threading.Lock()  # one instance serves a web server's threads

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def _remember(self, ticket: Ticket, history: list[Event]) -> None:
        if ticket.version is None:  # not stored yet: nothing to key it by
            return
        with self._lock:
            self._known[(ticket.number, ticket.version)] = history
            while len(self._known) > self.KEEP:
                self._known.popitem(last=False)

    def _recalled(self, ticket: Ticket) -> list[Event] | None:
        with self._lock:
            return self._known.get((ticket.number, ticket.version))

    def get_with_history(self, number: int) -> tuple[Ticket, list[Event]]:
        ticket, history = self.store.get_with_history(number)
        self._remember(ticket, history)
        return ticket, list(history)

    def history_of(self, ticket: Ticket) -> list[Event]:
        """The ticket's events up to the version in hand: remembered, else read."""
        known = self._recalled(ticket)
        return list(known) if known is not None else self.store.history(ticket.number)

    def _plan(self, ticket: Ticket, event: Event | None, *, new: bool = False) -> None:
        if timers.needs_plan(ticket):
            history: Sequence[Event] = () if new else self.history_of(ticket)
            timers.plan_change(ticket, history, event, self._flow())

    def _saved(self, ticket: Ticket, before: list[Event] | None, event: Event | None) -> None:
        """After a write: the history at the new version, when the one before was known."""
        if before is not None:
            self._remember(ticket, [*before, *([event] if event else [])])

    def add(self, ticket: Ticket, event: Event, **options: Any) -> None:
        self._plan(ticket, event, new=True)
        self.store.add(ticket, event, **options)
        self._remember(ticket, [event])

    def save(self, ticket: Ticket, change: Change, **options: Any) -> None:
        before = self._recalled(ticket)
        self._plan(ticket, change.event)
        self.store.save(ticket, change, **options)
        self._saved(ticket, before, change.event)

    def save_split(
        self, parent: Ticket, change: Change, children: Sequence[tuple[Ticket, Change]]
    ) -> None:
        self._plan(parent, change.event)
        for child, child_change in children:
            self._plan(child, child_change.event, new=True)
        self.store.save_split(parent, change, children)

    def save_merge(
        self, duplicate: Ticket, change: Change, target: Ticket, target_change: Change
    ) -> None:
        self._plan(duplicate, change.event)
        self._plan(target, target_change.event)
        self.store.save_merge(duplicate, change, target, target_change)


def planned(store: TicketRepository, flow: Callable[[], FlowConfig]) -> TicketRepository:
    """`store`, its writers planning the timers of the changes they save."""
    return PlanningTickets(store, flow)
