"""The TicketRepository port on the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from services.domain.errors import TicketNotFound
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.lifecycle import FINISHED, Status
from services.domain.ticket import Change, Ticket

from . import index_keys
from . import queries as q
from .codecs import decode_event, decode_ticket, page_cursor, read_cursor, utc_text
from .database import SqliteDatabase
from .restore import append, restore
from .transactions import Transaction

# Numbers per IN (...) list: well under SQLite's limit of bound parameters.
_CHUNK = 500
_INTEGER_MAX = 2**63 - 1  # SQLite's largest integer


class SqliteTicketRepository:
    """TicketRepository on the database; every change is one transaction."""

    def __init__(self, db: SqliteDatabase):
        self.db = db

    def next_number(self, count: int = 1) -> int:
        """The last of `count` new numbers: one upsert of the counter, in its own transaction."""
        with self.db.transaction() as conn:
            [(value,)] = conn.execute(q.NEXT_NUMBER, (count,)).fetchall()
        return int(value)

    def add(
        self,
        ticket: Ticket,
        event: Event,
        *,
        receipt: Inbound | None = None,
        thread: str = "",
        replacing: int | None = None,
    ) -> None:
        """A new ticket; filed for a delivery (`receipt`), in the same transaction the
        delivery is marked applied and the tool's thread linked to it (moved from ticket
        `replacing`, when that one has it)."""
        self._commit([(ticket, Change(event))], receipt=receipt, thread=thread, replacing=replacing)

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
        self._commit([(ticket, change)], receipt=receipt, thread=thread)

    def save_split(
        self, parent: Ticket, change: Change, children: Sequence[tuple[Ticket, Change]]
    ) -> None:
        """The parent's split and every new sub-ticket: one transaction."""
        self._commit([(parent, change), *children])

    def save_merge(
        self, duplicate: Ticket, change: Change, target: Ticket, target_change: Change
    ) -> None:
        """The duplicate's merge and the target's note of it: one transaction."""
        self._commit([(duplicate, change), (target, target_change)])

    def _commit(
        self,
        changes: list[tuple[Ticket, Change]],
        *,
        receipt: Inbound | None = None,
        thread: str = "",
        replacing: int | None = None,
    ) -> None:
        first = changes[0][0]
        with self.db.transaction() as conn:
            tx = Transaction(conn)
            for _, change in changes:
                tx.require_finished(change.require_finished)
            versions = [tx.put_ticket(ticket, change.event) for ticket, change in changes]
            if thread:
                tx.link(thread, first, replacing)
            if receipt is not None:
                tx.receipt(receipt, first)
            tx.move_wip([change for _, change in changes])
        for (ticket, _), version in zip(changes, versions, strict=True):
            ticket.version = version

    def get(self, number: int) -> Ticket:
        # A number past SQLite's integers names no ticket (and must not reach the driver).
        row = self.db.row(q.GET, (number,)) if 0 <= number <= _INTEGER_MAX else None
        if row is None:
            raise TicketNotFound(number)
        return decode_ticket(row["body"], row["version"])

    def get_many(self, numbers: Iterable[int]) -> dict[int, Ticket]:
        wanted = [n for n in dict.fromkeys(numbers) if 0 <= n <= _INTEGER_MAX]
        found: dict[int, Ticket] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for row in self.db.rows(q.get_many(len(chunk)), chunk):
                found[row["number"]] = decode_ticket(row["body"], row["version"])
        return found

    def history(self, number: int) -> list[Event]:
        return [decode_event(r["body"]) for r in self.db.rows(q.HISTORY, (number,))]

    def get_with_history(self, number: int) -> tuple[Ticket, list[Event]]:
        # Two local reads, no round trip to save: the ticket, then its events up to the
        # version read (an event is numbered by the version its change wrote), so a change
        # committed in between is left out of both.
        ticket = self.get(number)
        rows = self.db.rows(q.HISTORY_UPTO, (number, ticket.version or 0))
        return ticket, [decode_event(r["body"]) for r in rows]

    # -- views: each one index range, oldest filed first -----------------------------------------

    def _tickets(self, sql: str, *params: object) -> list[Ticket]:
        return [decode_ticket(r["body"], r["version"]) for r in self.db.rows(sql, params)]

    def by_status(self, status: Status, limit: int = 200) -> list[Ticket]:
        if status in FINISHED:  # open statuses only, as in every home (ports.py)
            return []
        return self._tickets(q.BY_STATUS, status.value, limit)

    def by_owner(self, member: str, limit: int = 200) -> list[Ticket]:
        return self._tickets(q.BY_OWNER, member, limit)

    def escalated(self, limit: int = 200) -> list[Ticket]:
        return self._tickets(q.ESCALATED, limit)

    def by_requester(self, email: str, limit: int = 200) -> list[Ticket]:
        return self._tickets(q.BY_REQUESTER, email.lower(), limit)

    def filed_for(self, email: str, since: datetime, until: datetime, limit: int) -> int:
        params = (email.lower(), utc_text(since), utc_text(until), limit)
        return len(self.db.rows(q.FILED_FOR, params))  # at most `limit` numbers

    def due(self, now: datetime, limit: int = 500) -> list[int]:
        """Tickets with a timer due at `now`, earliest first: a range of the timer index."""
        return [int(r["ticket"]) for r in self.db.rows(q.DUE, (utc_text(now), limit))]

    def public(
        self, status: Status, *, limit: int = 100, newest_first: bool = False, after: str = ""
    ) -> tuple[list[Ticket], str]:
        """One page of the public index; the cursor is the last ticket's filing time and
        number, given only when another ticket follows (one more row is read to know)."""
        params: tuple[object, ...] = (status.value,)
        if after:
            params += read_cursor(after)
            sql = q.PUBLIC_BEFORE if newest_first else q.PUBLIC_AFTER
        else:
            sql = q.PUBLIC_NEWEST if newest_first else q.PUBLIC_OLDEST
        found = self._tickets(sql, *params, limit + 1)
        page = found[:limit]
        return page, (page_cursor(page[-1]) if len(found) > limit else "")

    def public_open(
        self, *, limit: int = 5000, newest_first: bool = False
    ) -> tuple[list[Ticket], bool]:
        """Every open status's range of the public index, as of one statement."""
        sql = q.PUBLIC_OPEN_NEWEST if newest_first else q.PUBLIC_OPEN_OLDEST
        found = self._tickets(sql, limit + 1)
        return found[:limit], len(found) > limit

    def renew_index_keys(self, numbers: Iterable[int]) -> int:
        return index_keys.renew(self.db, numbers)

    def events_on(self, day: date) -> list[Event]:
        return [decode_event(r["body"]) for r in self.db.rows(q.EVENTS_ON, (day.isoformat(),))]

    def open_counts(self, members: Iterable[str]) -> dict[str, int]:
        """Each member's open owned tickets, from the WIP counters."""
        counts = dict.fromkeys(members, 0)
        names = list(counts)
        for start in range(0, len(names), _CHUNK):
            chunk = names[start : start + _CHUNK]
            for row in self.db.rows(q.open_counts(len(chunk)), chunk):
                counts[row["member"]] = int(row["open_count"])
        return counts

    # -- moving house (services/application/moving.py) ----------------------------------------

    def numbers(self) -> list[int]:
        """Every number, a range of the primary key at a time."""
        found: list[int] = []
        while page := self.db.rows(q.NUMBERS_AFTER, (found[-1] if found else 0, _CHUNK)):
            found += [int(r["number"]) for r in page]
        return found

    def reserve_through(self, number: int) -> None:
        with self.db.transaction() as conn:
            conn.execute(q.RESERVE_THROUGH, (number,))

    def restore(self, ticket: Ticket, events: Sequence[Event]) -> bool:
        with self.db.transaction() as conn:
            return restore(conn, ticket, events)

    def append_restored(self, ticket: Ticket, events: Sequence[Event]) -> bool:
        with self.db.transaction() as conn:
            return append(conn, ticket, events)
