"""In-memory fakes of the domain ports, for tests of the service logic."""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime, timedelta

from services.domain.errors import Conflict, TicketNotFound
from services.domain.events import Event
from services.domain.mail import Mail
from services.domain.ticket import Ticket


class FixedClock:
    def __init__(self, now: datetime | None = None):
        self.current = now or datetime(2026, 11, 27, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)


class FakeTicketRepository:
    def __init__(self):
        self.tickets: dict[int, Ticket] = {}
        self.events: dict[int, list[Event]] = {}
        self._numbers = itertools.count(1)

    def next_number(self) -> int:
        return next(self._numbers)

    def add(self, ticket: Ticket, event: Event) -> None:
        if ticket.number in self.tickets:
            raise Conflict(f"ticket {ticket.number} exists")
        ticket.version = 1
        self.tickets[ticket.number] = copy.deepcopy(ticket)
        self.events[ticket.number] = [event]

    def save(self, ticket: Ticket, event: Event) -> None:
        stored = self.tickets[ticket.number]
        if stored.version != ticket.version:
            raise Conflict(f"ticket {ticket.number} was changed by someone else")
        ticket.version += 1
        self.tickets[ticket.number] = copy.deepcopy(ticket)
        self.events[ticket.number].append(event)

    def get(self, number: int) -> Ticket:
        if number not in self.tickets:
            raise TicketNotFound(number)
        return copy.deepcopy(self.tickets[number])

    def history(self, number: int) -> list[Event]:
        return list(self.events.get(number, []))


class FakeMailLedger:
    def __init__(self):
        self.claimed: set[tuple[int, str, str]] = set()
        self.sent: dict[tuple[int, str, str], str] = {}

    def claim(self, ticket: int, event_id: str, recipient: str) -> bool:
        key = (ticket, event_id, recipient.lower())
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True

    def release(self, ticket: int, event_id: str, recipient: str) -> None:
        self.claimed.discard((ticket, event_id, recipient.lower()))

    def mark_sent(self, ticket: int, event_id: str, recipient: str, message_id: str) -> None:
        self.sent[(ticket, event_id, recipient.lower())] = message_id


class FakeMailer:
    def __init__(self, fail_for: set[str] | None = None):
        self.outbox: list[Mail] = []
        self.fail_for = set(fail_for or ())

    def send(self, mail: Mail) -> str:
        if self.fail_for & set(mail.to):
            raise ConnectionError(f"mail server refused {mail.to}")
        self.outbox.append(mail)
        return f"msg-{len(self.outbox)}"

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.outbox if address in m.to]


class FakePublisher:
    def __init__(self, fail: bool = False):
        self.published: list[dict] = []
        self.fail = fail

    def publish(self, messages) -> None:
        if self.fail:
            raise RuntimeError("queue unavailable")
        self.published.extend(messages)
