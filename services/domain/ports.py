"""Ports: what the service logic needs from the outside world. Adapters implement them;
tests use the fakes in tests/fakes.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from .events import Event
from .mail import Mail
from .ticket import Ticket


class TicketRepository(Protocol):
    def next_number(self) -> int:
        """A new ticket number from an atomic counter; never the same twice."""

    def add(self, ticket: Ticket, event: Event) -> None:
        """Store a new ticket and its first event in one transaction."""

    def save(self, ticket: Ticket, event: Event) -> None:
        """Store a change and its event in one transaction; Conflict if the ticket changed
        since it was read."""

    def get(self, number: int) -> Ticket:
        """The ticket, or TicketNotFound."""

    def history(self, number: int) -> list[Event]:
        """The ticket's events, oldest first."""


class MailLedger(Protocol):
    """Remembers which mail went out for which event, so a redelivered event sends none."""

    def claim(self, ticket: int, event_id: str, recipient: str) -> bool:
        """True if this (event, recipient) was not claimed before; now it is."""

    def release(self, ticket: int, event_id: str, recipient: str) -> None:
        """Undo a claim after a failed send, so a retry may send."""

    def mark_sent(self, ticket: int, event_id: str, recipient: str, message_id: str) -> None: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> str:
        """Send and return the transport's message id."""


class EventPublisher(Protocol):
    def publish(self, messages: Sequence[dict]) -> None:
        """Put event messages on the queue(s); raises if any could not be sent."""


class Clock(Protocol):
    def now(self) -> datetime: ...
