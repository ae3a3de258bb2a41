"""Ports: what the service logic needs from the outside world. Adapters implement them;
tests use the fakes in tests/fakes.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from .deliveries import Attempt, DeliveryRecord
from .events import Event
from .inbound import Inbound
from .lifecycle import Status
from .mail import Mail
from .ticket import Change, Ticket


class TicketRepository(Protocol):
    def next_number(self, count: int = 1) -> int:
        """The last of `count` new ticket numbers from an atomic counter; never reused."""

    def add(
        self,
        ticket: Ticket,
        event: Event,
        *,
        receipt: Inbound | None = None,
        thread: str = "",
        replacing: int | None = None,
    ) -> None:
        """Store a new ticket and its first event in one transaction; filed for an inbound
        delivery, mark it applied (AlreadyDone if it was) and link the tool's `thread` to it
        (StaleVersion if another ticket got the thread first). With `replacing`, the thread
        is linked to that ticket now and moves to this one (StaleVersion if it moved since)."""

    def save(
        self, ticket: Ticket, change: Change, *, receipt: Inbound | None = None, thread: str = ""
    ) -> None:
        """Store a change, its event, its WIP moves and checks in one transaction: Conflict if
        the ticket changed since it was read, WipLimitReached, NotDone; AlreadyDone when the
        inbound delivery `receipt` was applied already."""

    def save_split(
        self, parent: Ticket, change: Change, children: Sequence[tuple[Ticket, Change]]
    ) -> None:
        """A split and its new sub-tickets, in one transaction."""

    def save_merge(
        self, duplicate: Ticket, change: Change, target: Ticket, target_change: Change
    ) -> None:
        """A duplicate's merge and the target's note of it, both guarded by their versions,
        in one transaction (Conflict if either changed since it was read)."""

    def get(self, number: int) -> Ticket:
        """The ticket, or TicketNotFound."""

    def get_many(self, numbers: Iterable[int]) -> dict[int, Ticket]: ...

    def history(self, number: int) -> list[Event]:
        """The ticket's events, oldest first."""

    def get_with_history(self, number: int) -> tuple[Ticket, list[Event]]:
        """The ticket and exactly the events up to its version (one read where the home can),
        or TicketNotFound: for a change that plans timers and answers with the history."""

    def by_status(self, status: Status, limit: int = 200) -> list[Ticket]:
        """Tickets in an open `status`, oldest filed first. Open statuses only: the index
        leaves a ticket once it is finished, so a finished status has none ([])."""

    def by_owner(self, member: str, limit: int = 200) -> list[Ticket]:
        """A member's open tickets."""

    def escalated(self, limit: int = 200) -> list[Ticket]:
        """Open tickets with an unanswered escalation."""

    def open_counts(self, members: Iterable[str]) -> dict[str, int]:
        """Each member's open owned tickets, as the WIP limits count them."""

    def due(self, now: datetime, limit: int = 500) -> list[int]:
        """Tickets with a timer due at `now`, from the timer index only."""

    def public(
        self, status: Status, *, limit: int = 100, newest_first: bool = False, after: str = ""
    ) -> tuple[list[Ticket], str]:
        """Non-private tickets in `status`, by filing time, a page at a time: the tickets and
        the cursor of the next page ("" at the end). Private tickets are not in the index.
        A page may hold fewer than `limit` tickets and still give a cursor (the index holds
        open or finished tickets, not one status: a page reads a bounded number of others);
        read on from it."""

    def public_open(
        self, *, limit: int = 5000, newest_first: bool = False
    ) -> tuple[list[Ticket], bool]:
        """Every non-private open ticket (at most `limit`, the oldest filed or the newest) by
        filing time, each once, in the status it has, and whether there were more."""

    def by_requester(self, email: str, limit: int = 200) -> list[Ticket]:
        """A requester's tickets, newest first."""

    def filed_for(self, email: str, since: datetime, until: datetime, limit: int) -> int:
        """How many tickets of requester `email` were filed from `since` to `until` (both
        included), counting at most `limit`: one range of the requester index, keys only."""

    def events_on(self, day: date) -> list[Event]:
        """Every event of a UTC day, in time order, from the by-day index (reports)."""

    def renew_index_keys(self, numbers: Iterable[int]) -> int:
        """For `rtflow reindex` only: rewrite what the views' indexes read of these tickets
        (their index keys) where it differs from what a save writes now, as after an upgrade
        that changed them; how many tickets it rewrote. Leaves the ticket, its version and
        its history alone; a ticket changed meanwhile was rewritten by its change."""

    # -- moving house (rtflow export / import) only; nothing on a request path calls these ----

    def numbers(self) -> list[int]:
        """Every stored ticket's number, ascending. For export only: the one read of the
        whole store, which a backup is. Every number is at most the counter's (filing takes
        it from there; import reserves through the highest before it restores)."""

    def reserve_through(self, number: int) -> None:
        """Raise the counter so that next_number never gives `number` or below; it never
        falls. For import only: numbering goes on above the imported tickets."""

    def restore(self, ticket: Ticket, events: Sequence[Event]) -> bool:
        """For import only: store an exported ticket as it was (its number, its version, all
        its fields; the version raised to the number of events if it is lower, so the next
        change's event finds its place free) with its history in order, in one transaction,
        and count it against its owner's WIP if it is open (no limit applies). The events are
        history, not news: no consumer is told of them (no mail, no triage, no webhook).
        False, with nothing written, when a ticket with that number exists."""

    def append_restored(self, ticket: Ticket, events: Sequence[Event]) -> bool:
        """For import only: a restored ticket's new state and the events its history lacks,
        written as `restore` writes (no consumer is told), in one transaction guarded by the
        version the ticket was read at; its owner's WIP count follows. False, with nothing
        written, when the ticket changed meanwhile."""


class RequesterLinks(Protocol):
    """One-time sign-in links for requesters: mailed, used once, short-lived."""

    def issue(self, email: str) -> str | None:
        """A new link token for `email` (only its digest is stored), or None when the address
        asked for too many links lately: the sign-in page must not mail anyone on demand."""

    def redeem(self, token: str) -> str | None:
        """The email the token was issued to, once; None if unknown, used or expired."""


class StaffTokens(Protocol):
    def issue(self, member: str, label: str = "") -> str: ...

    def parse(self, token: str) -> tuple[str, str] | None:
        """(member id, digest) of a well-formed token; nothing is looked up."""

    def exists(self, member: str, digest: str) -> bool: ...

    def verify(self, token: str) -> str | None:
        """The member id, or None for a malformed, unknown or revoked token."""

    def revoke_all(self, member: str) -> int: ...


class MailLedger(Protocol):
    """Remembers which mail went out for which event, so a redelivered event sends none. One
    write per mail: the claim, made before sending, is the record."""

    def claim(self, ticket: int, event_id: str, recipient: str) -> bool:
        """True if this (event, recipient) was not claimed before; now it is."""

    def release(self, ticket: int, event_id: str, recipient: str) -> None:
        """Undo a claim when the transport certainly did not send, so a retry may send."""


class Mailer(Protocol):
    def send(self, mail: Mail) -> str:
        """Send and return the transport's message id."""


class EventPublisher(Protocol):
    def publish(self, messages: Sequence[dict[str, Any]]) -> None:
        """Put event messages on the queue(s); raises if any could not be sent."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class Inbox(Protocol):
    """Messages from other tools and mail, recorded once before anything is done with them."""

    def record(self, message: Inbound) -> bool:
        """Store it for the inbound queue; False when this delivery was recorded before."""

    def settle(self, message: Inbound, outcome: str) -> bool:
        """Mark it applied without changing a ticket (nothing to do); False if it was already."""

    def linked(self, thread: str) -> int | None:
        """The ticket filed for a tool's thread (an issue, an alert group), if any."""


class DeliveryLog(Protocol):
    """Webhooks out: what was tried, per delivery (services/notify/webhooks.py)."""

    def record(self, attempt: Attempt) -> None:
        """Add an attempt to its delivery (created at the first one): attempts + 1, the last
        status and error, the state; a delivered delivery stays delivered."""

    def state(self, ticket: int, delivery_id: str) -> str | None:
        """The delivery's state, None if it was never tried."""

    def recent(self, limit: int = 50) -> list[DeliveryRecord]:
        """The latest deliveries (by first attempt), newest first."""

    def for_ticket(self, ticket: int) -> list[DeliveryRecord]:
        """A ticket's deliveries, newest first."""


class HttpPoster(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        """POST without following redirects; the status code. Raises when no answer came
        (connection refused, timeout, TLS error)."""


class MailBudget(Protocol):
    """Automatic mails per recipient address and hour (services/application/mail_budget.py),
    counted by the SHA-256 of the address; a counter outlives its hour by an hour, no more."""

    def take(self, address: str, hour: datetime, limit: int) -> bool:
        """One more mail to `address` in the hour starting at `hour`, if fewer than `limit`
        were taken in it: one atomic step, whoever races for the last one."""
