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
from services.domain.ticket import FINISHED, Change, Ticket, WipChange


class FixedClock:
    def __init__(self, now: datetime | None = None):
        self.current = now or datetime(2026, 11, 27, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)


def _filed(t: Ticket) -> tuple[datetime, int]:
    """The order of the queue views: by filing time, then number (the indexes' sort key)."""
    return t.created_at, t.number


class FakeTicketRepository:
    """The repository's contract in memory: all-or-nothing changes, version checks, WIP
    counters with limits, and finished-ticket checks."""

    def __init__(self, inbox: FakeInbox | None = None):
        self.tickets: dict[int, Ticket] = {}
        self.events: dict[int, list[Event]] = {}
        # How many of its events each ticket's stored version has: get_with_history's bound.
        self.committed: dict[int, int] = {}
        self.wip: dict[str, int] = {}
        self.inbox = inbox if inbox is not None else FakeInbox()
        self._last = 0

    def next_number(self, count: int = 1) -> int:
        self._last += count
        return self._last

    def add(self, ticket: Ticket, event: Event, *, receipt=None, thread="", replacing=None):
        if replacing is None:  # through save, as subclasses that record saves expect
            return self.save(ticket, Change(event), receipt=receipt, thread=thread)
        self._commit([(ticket, Change(event))], receipt=receipt, thread=thread, replacing=replacing)

    def save(
        self,
        ticket: Ticket,
        change: Change | Event,
        *,
        receipt: Inbound | None = None,
        thread: str = "",
    ) -> None:
        change = change if isinstance(change, Change) else Change(change)
        self._commit([(ticket, change)], receipt=receipt, thread=thread)

    def save_split(self, parent: Ticket, change: Change, children) -> None:
        self._commit([(parent, change), *children])

    def save_merge(
        self, duplicate: Ticket, change: Change, target: Ticket, target_change: Change
    ) -> None:
        self._commit([(duplicate, change), (target, target_change)])

    def _commit(
        self,
        changes: list[tuple[Ticket, Change]],
        *,
        receipt: Inbound | None = None,
        thread: str = "",
        replacing: int | None = None,
    ) -> None:
        """All or nothing. A refusal names the first condition that failed in the order the
        table reports them: finished-ticket checks, versions, the thread, the receipt, WIP."""
        self._check(changes)
        if thread and self.inbox.links.get(thread) != replacing:
            raise StaleVersion(f"{thread} was linked meanwhile")
        if receipt is not None and not self.inbox.pending(receipt):
            raise AlreadyDone(f"delivery {receipt.key} was applied already")
        wip = self._moved_wip([change for _, change in changes])
        for ticket, change in changes:
            self._apply(ticket, change)
        self.wip = wip
        number = changes[0][0].number
        if receipt is not None:
            self.inbox.applied[receipt.key] = f"applied to #{number}"
        if thread:
            self.inbox.links[thread] = number

    def _check(self, changes: list[tuple[Ticket, Change]]) -> None:
        for _, change in changes:
            for n in change.require_finished:
                if n not in self.tickets or self.tickets[n].status not in FINISHED:
                    raise NotDone(f"ticket #{n} is not finished yet")
        for ticket, _ in changes:
            stored = self.tickets.get(ticket.number)
            if (stored.version if stored else None) != ticket.version:
                raise StaleVersion(f"ticket #{ticket.number} was changed by someone else")

    def _moved_wip(self, changes: list[Change]) -> dict[str, int]:
        """The counters after the changes: one move per member, their deltas summed, a rise
        checked against the lowest limit given for it."""
        moves: dict[str, list[WipChange]] = {}
        for change in changes:
            for w in change.wip:
                moves.setdefault(w.member, []).append(w)
        wip = dict(self.wip)
        for member, ws in moves.items():
            delta = sum(w.delta for w in ws)
            limits = [w.limit for w in ws if w.limit is not None and w.delta > 0]
            if delta > 0 and limits and wip.get(member, 0) + delta > min(limits):
                raise WipLimitReached(member, min(limits))
            wip[member] = wip.get(member, 0) + delta
        return wip

    def _apply(self, ticket: Ticket, change: Change) -> None:
        ticket.version = (ticket.version or 0) + 1
        self.tickets[ticket.number] = copy.deepcopy(ticket)
        events = self.events.setdefault(ticket.number, [])
        if change.event is not None:
            events.append(change.event)
        self.committed[ticket.number] = len(events)

    def get(self, number: int) -> Ticket:
        if number not in self.tickets:
            raise TicketNotFound(number)
        return copy.deepcopy(self.tickets[number])

    def get_many(self, numbers) -> dict[int, Ticket]:
        return {n: self.get(n) for n in numbers if n in self.tickets}

    def history(self, number: int) -> list[Event]:
        return list(self.events.get(number, []))

    def get_with_history(self, number: int) -> tuple[Ticket, list[Event]]:
        ticket = self.get(number)
        return ticket, self.history(number)[: self.committed.get(number)]

    def by_status(self, status: Status, limit: int = 200) -> list[Ticket]:
        # Open statuses only, as in every home (ports.py).
        found = [t for t in self.tickets.values() if t.status == status and t.is_open]
        return [copy.deepcopy(t) for t in sorted(found, key=_filed)][:limit]

    def by_owner(self, member: str, limit: int = 200) -> list[Ticket]:
        found = [t for t in self.tickets.values() if t.owner == member and t.is_open]
        return [copy.deepcopy(t) for t in sorted(found, key=_filed)][:limit]

    def escalated(self, limit: int = 200) -> list[Ticket]:
        found = [t for t in self.tickets.values() if t.escalation and t.is_open]
        return [copy.deepcopy(t) for t in sorted(found, key=_filed)][:limit]

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

    def public_open(self, *, limit: int = 5000, newest_first: bool = False):
        found = sorted(
            (t for t in self.tickets.values() if not t.private and t.is_open),
            key=_filed,
            reverse=newest_first,
        )
        return [copy.deepcopy(t) for t in found[:limit]], len(found) > limit

    def renew_index_keys(self, numbers) -> int:
        return 0  # the views are computed from the tickets as they are read: no keys to renew

    def by_requester(self, email: str, limit: int = 200) -> list[Ticket]:
        found = [t for t in self.tickets.values() if t.requester.email == email.lower()]
        found.sort(key=lambda t: (t.created_at, t.number), reverse=True)
        return [copy.deepcopy(t) for t in found[:limit]]

    def filed_for(self, email: str, since, until, limit: int) -> int:
        return min(sum(since <= t.created_at <= until for t in self.by_requester(email)), limit)

    def events_on(self, day) -> list[Event]:
        found = [e for es in self.events.values() for e in es if e.at.astimezone(UTC).date() == day]
        return sorted(found, key=lambda e: e.at)

    def numbers(self) -> list[int]:
        return sorted(self.tickets)

    def reserve_through(self, number: int) -> None:
        self._last = max(self._last, number)

    def restore(self, ticket: Ticket, events) -> bool:
        if ticket.number in self.tickets:
            return False
        self.tickets[ticket.number] = copy.deepcopy(ticket)
        self.tickets[ticket.number].version = max(ticket.version or 0, len(events), 1)
        self.events[ticket.number] = list(events)
        self.committed[ticket.number] = len(events)
        if ticket.owner and ticket.is_open:
            self.wip[ticket.owner] = self.wip.get(ticket.owner, 0) + 1
        return True

    def append_restored(self, ticket: Ticket, events) -> bool:
        stored = self.tickets.get(ticket.number)
        if stored is None or stored.version != ticket.version:
            return False
        if stored.owner and stored.is_open:
            self.wip[stored.owner] -= 1
        if ticket.owner and ticket.is_open:
            self.wip[ticket.owner] = self.wip.get(ticket.owner, 0) + 1
        self.tickets[ticket.number] = copy.deepcopy(ticket)
        self.tickets[ticket.number].version = stored.version + max(len(events), 1)
        self.events[ticket.number] += list(events)
        self.committed[ticket.number] = len(self.events[ticket.number])
        return True


class FakeMailLedger:
    def __init__(self):
        self.claimed: set[tuple[int, str, str]] = set()
        self.writes = 0  # claims and releases: what the table would be written

    def claim(self, ticket: int, event_id: str, recipient: str) -> bool:
        self.writes += 1
        key = (ticket, event_id, recipient.lower())
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True

    def release(self, ticket: int, event_id: str, recipient: str) -> None:
        self.writes += 1
        self.claimed.discard((ticket, event_id, recipient.lower()))


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
    """Deliveries recorded once, applied once; the links from tools' threads to tickets.

    Like the table, it applies or settles only a recorded delivery, unless `assume_recorded`
    (tests of applying skip the receiver, which records every delivery before the queue
    carries it)."""

    def __init__(self, *, assume_recorded: bool = True, clock=None):
        self.recorded: dict[str, Inbound] = {}
        self.applied: dict[str, str] = {}  # delivery key -> outcome
        self.links: dict[str, int] = {}
        self.assume_recorded = assume_recorded
        self.clock = clock or FixedClock()
        self.bodies: dict[str, datetime] = {}  # replay key -> until when it is a duplicate

    def pending(self, message: Inbound) -> bool:
        """Recorded and not applied yet: what a receipt or a settlement may apply."""
        recorded = self.assume_recorded or message.key in self.recorded
        return recorded and message.key not in self.applied

    def record(self, message: Inbound) -> bool:
        now = self.clock.now()
        if message.replay_key and self.bodies.get(message.replay_key, now) > now:
            return False
        if message.replay_key:
            self.bodies[message.replay_key] = now + timedelta(seconds=message.replay_seconds)
        if message.key in self.recorded:
            return False
        self.recorded[message.key] = message
        return True

    def settle(self, message: Inbound, outcome: str) -> bool:
        if not self.pending(message):
            return False
        self.applied[message.key] = outcome
        return True

    def linked(self, thread: str) -> int | None:
        return self.links.get(thread)


class FakeRequesterLinks:
    """One-time sign-in links in memory, as the table keeps them: each good for LIFETIME, at
    most `per_address` asked for per address in a WINDOW (None: no limit); `expire()` makes
    every issued link too old."""

    LIFETIME = timedelta(minutes=30)
    WINDOW = timedelta(minutes=15)

    def __init__(self, per_address: int | None = None, clock: FixedClock | None = None):
        self.links: dict[str, str] = {}
        self.expires: dict[str, datetime] = {}
        self.sent: list[tuple[str, str]] = []
        self.asked: list[tuple[str, int]] = []  # (address, window)
        self.per_address = per_address  # None: no rate limit
        self.clock = clock or FixedClock()

    def _window(self) -> int:
        now = int(self.clock.now().timestamp())
        return now - now % int(self.WINDOW.total_seconds())

    def issue(self, email: str) -> str | None:
        email, window = email.lower(), self._window()
        if self.per_address is not None:
            if self.asked.count((email, window)) >= self.per_address:
                return None
            self.asked.append((email, window))
        token = f"link-{len(self.sent) + 1}-{email}"
        self.links[token] = email
        self.expires[token] = self.clock.now() + self.LIFETIME
        self.sent.append((email, token))
        return token

    def redeem(self, token: str) -> str | None:
        email = self.links.pop(token, None)
        if email is None or self.clock.now() >= self.expires[token]:
            return None
        return email

    def expire(self) -> None:
        self.links.clear()
