"""Timers planned by the writer: the repository every use case saves through, on every home.

A change that moves a ticket (a status, an owner, a date) marks it for review
(domain/timers.py). Saved through `planned(...)`, the change's timers are planned before it is
written, from the ticket's history and the change's own event, so they go into the change's
own transaction and no housekeeping change follows; the scheduler only fires what is due. The
history is read only for a change that needs a plan and is not the ticket's first (the
filing's plan comes from its own event), and the flow config only when a plan is made.
"""

from __future__ import annotations

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

    def __init__(self, store: TicketRepository, flow: Callable[[], FlowConfig]):
        self.store = store
        self._flow = flow

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def _plan(self, ticket: Ticket, event: Event | None, *, new: bool = False) -> None:
        if timers.needs_plan(ticket):
            history: Sequence[Event] = () if new else self.store.history(ticket.number)
            timers.plan_change(ticket, history, event, self._flow())

    def add(self, ticket: Ticket, event: Event, **options: Any) -> None:
        self._plan(ticket, event, new=True)
        self.store.add(ticket, event, **options)

    def save(self, ticket: Ticket, change: Change, **options: Any) -> None:
        self._plan(ticket, change.event)
        self.store.save(ticket, change, **options)

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
