"""In-memory fakes of the domain ports, for tests of the service logic."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from services.domain.errors import (
    AlreadyDone,
    NotDone,
    StaleVersion,
    TicketNotFound,
    WipLimitReached,
)
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.lifecycle import Status
from services.domain.mail import Mail, MailNotSent
from services.domain.ticket import FINISHED, Change, Ticket


class FixedClock:
    def __init__(self, now: datetime | None = None):
        self.current = now or datetime(2026, 11, 27, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)


class FakeTicketRepository:
    """The repository's contract in memory: all-or-nothing changes, version checks, WIP
    counters with limits, and finished-ticket checks."""

    def __init__(self, inbox: FakeInbox | None = None):
        self.tickets: dict[int, Ticket] = {}
        self.events: dict[int, list[Event]] = {}
        self.wip: dict[str, int] = {}
        self.inbox = inbox if inbox is not None else FakeInbox()
        self._last = 0

    def next_number(self, count: int = 1) -> int:
        self._last += count
        return self._last

    def add(
        self, ticket: Ticket, event: Event, *, receipt: Inbound | None = None, thread: str = ""
    ) -> None:
        self.save(ticket, Change(event), receipt=receipt, thread=thread)

    def _check(self, ticket: Ticket, change: Change, wip: dict[str, int]) -> None:
        stored = self.tickets.get(ticket.number)
        if (stored.version if stored else None) != ticket.version:
            raise StaleVersion(f"ticket #{ticket.number} was changed by someone else")
        for w in change.wip:
            wip[w.member] = wip.get(w.member, 0) + w.delta
            if w.limit is not None and w.delta > 0 and wip[w.member] > w.limit:
                raise WipLimitReached(w.member, w.limit)
        for n in change.require_finished:
            if n not in self.tickets or self.tickets[n].status not in FINISHED:
                raise NotDone(f"ticket #{n} is not finished yet")

    def _apply(self, ticket: Ticket, change: Change) -> None:
        ticket.version = (ticket.version or 0) + 1
        self.tickets[ticket.number] = copy.deepcopy(ticket)
        events = self.events.setdefault(ticket.number, [])
        if change.event is not None:
            events.append(change.event)

    def save(
        self,
        ticket: Ticket,
        change: Change | Event,
        *,
        receipt: Inbound | None = None,
        thread: str = "",
    ) -> None:
        change = change if isinstance(change, Change) else Change(change)
        self._check(ticket, change, dict(self.wip))
        if receipt is not None and receipt.key in self.inbox.applied:
            raise AlreadyDone(f"delivery {receipt.key} was applied already")
        if thread and thread in self.inbox.links:
            raise StaleVersion(f"{thread} was linked meanwhile")
        self.save_split(ticket, change, [])
        if receipt is not None:
            self.inbox.applied[receipt.key] = f"applied to #{ticket.number}"
        if thread:
            self.inbox.links[thread] = ticket.number

    def save_split(self, parent: Ticket, change: Change, children) -> None:
        wip = dict(self.wip)
        for ticket, c in [(parent, change), *children]:
            self._check(ticket, c, wip)
        for ticket, c in [(parent, change), *children]:
            self._apply(ticket, c)
        self.wip = wip

    def get(self, number: int) -> Ticket:
        if number not in self.tickets:
            raise TicketNotFound(number)
        return copy.deepcopy(self.tickets[number])

    def get_many(self, numbers) -> dict[int, Ticket]:
        return {n: self.get(n) for n in numbers if n in self.tickets}

    def history(self, number: int) -> list[Event]:
        return list(self.events.get(number, []))

    def by_status(self, status: Status, limit: int = 200) -> list[Ticket]:
        found = [t for t in self.tickets.values() if t.status == status]
        return [copy.deepcopy(t) for t in sorted(found, key=lambda t: t.created_at)][:limit]

    def by_owner(self, member: str, limit: int = 200) -> list[Ticket]:
        found = [t for t in self.tickets.values() if t.owner == member and t.is_open]
        return [copy.deepcopy(t) for t in sorted(found, key=lambda t: t.created_at)][:limit]

    def escalated(self, limit: int = 200) -> list[Ticket]:
        found = [t for t in self.tickets.values() if t.escalation and t.is_open]
        return [copy.deepcopy(t) for t in sorted(found, key=lambda t: t.created_at)][:limit]

    def due(self, now, limit: int = 500) -> list[int]:
        pending = [(min(t.timers.values()), n) for n, t in self.tickets.items() if t.timers]
        return [n for at, n in sorted(pending) if at <= now][:limit]

    def open_counts(self, members) -> dict[str, int]:
        return {m: self.wip.get(m, 0) for m in members}

    def public(self, status, *, limit: int = 100, newest_first: bool = False, after: str = ""):
        def key(t: Ticket) -> str:
            return f"{t.created_at.isoformat()}#{t.number:010d}"

        found = sorted(
            (t for t in self.tickets.values() if not t.private and t.status == status),
            key=key,
            reverse=newest_first,
        )
        if after:
            found = [t for t in found if (key(t) < after if newest_first else key(t) > after)]
        page = [copy.deepcopy(t) for t in found[:limit]]
        return page, (key(page[-1]) if len(found) > limit else "")

    def by_requester(self, email: str, limit: int = 200) -> list[Ticket]:
        found = [t for t in self.tickets.values() if t.requester.email == email.lower()]
        found.sort(key=lambda t: (t.created_at, t.number), reverse=True)
        return [copy.deepcopy(t) for t in found[:limit]]

    def events_on(self, day) -> list[Event]:
        found = [e for es in self.events.values() for e in es if e.at.astimezone(UTC).date() == day]
        return sorted(found, key=lambda e: e.at)


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
    """Refuses mail to `fail_for` before sending (MailNotSent), and times out after sending to
    `lost_for` (the outcome unknown to the caller)."""

    def __init__(self, fail_for: set[str] | None = None, lost_for: set[str] | None = None):
        self.outbox: list[Mail] = []
        self.fail_for = set(fail_for or ())
        self.lost_for = set(lost_for or ())

    def send(self, mail: Mail) -> str:
        if self.fail_for & set(mail.to):
            raise MailNotSent(f"mail server refused {mail.to}")
        self.outbox.append(mail)
        if self.lost_for & set(mail.to):
            raise TimeoutError("no answer from the mail server")
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


class FakeInbox:
    """Deliveries recorded once, applied once; the links from tools' threads to tickets."""

    def __init__(self):
        self.recorded: dict[str, Inbound] = {}
        self.applied: dict[str, str] = {}  # delivery key -> outcome
        self.links: dict[str, int] = {}

    def record(self, message: Inbound) -> bool:
        if message.key in self.recorded:
            return False
        self.recorded[message.key] = message
        return True

    def settle(self, message: Inbound, outcome: str) -> bool:
        if message.key in self.applied:
            return False
        self.applied[message.key] = outcome
        return True

    def linked(self, thread: str) -> int | None:
        return self.links.get(thread)


class FakeRequesterLinks:
    """One-time sign-in links in memory; `expire()` makes every issued link too old."""

    def __init__(self, per_address: int | None = None):
        self.links: dict[str, str] = {}
        self.sent: list[tuple[str, str]] = []
        self.per_address = per_address  # None: no rate limit

    def issue(self, email: str) -> str | None:
        asked = sum(1 for e, _ in self.sent if e == email.lower())
        if self.per_address is not None and asked >= self.per_address:
            return None
        token = f"link-{len(self.sent) + 1}-{email}"
        self.links[token] = email.lower()
        self.sent.append((email.lower(), token))
        return token

    def redeem(self, token: str) -> str | None:
        return self.links.pop(token, None)

    def expire(self) -> None:
        self.links.clear()
