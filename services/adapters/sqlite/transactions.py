"""One write transaction per change: what the DynamoDB adapter puts in one TransactWriteItems
(services/adapters/dynamo/transactions.py), with the same refusals in the domain's words.

Inside BEGIN IMMEDIATE the transaction holds the write lock, so a check it makes (a version,
a count under its limit, a ticket being finished) stays true until it commits. The checks run
in the order DynamoDB reports its conditions, so a change that breaks two of them gets the
same error on both backends: finished-ticket checks, versions, the thread, the receipt, WIP.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import astuple

from services.domain.errors import AlreadyDone, NotDone, StaleVersion, WipLimitReached
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.lifecycle import FINISHED
from services.domain.ticket import Change, Ticket, WipChange

from . import search_index
from .codecs import TicketRow, event_document, utc_day, utc_text

_INSERT_TICKET = """
    INSERT INTO tickets (number, body, status, filed_at, requester, open_owner, escalated,
                         public_status, version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
    ON CONFLICT (number) DO NOTHING"""
_UPDATE_TICKET = """
    UPDATE tickets SET body = ?2, status = ?3, filed_at = ?4, requester = ?5, open_owner = ?6,
                       escalated = ?7, public_status = ?8, version = version + 1
    WHERE number = ?1 AND version = ?9"""
_IS_FINISHED = "SELECT 1 FROM tickets WHERE number = ? AND status IN ({})".format(  # noqa: S608
    ",".join(f"'{s.value}'" for s in sorted(FINISHED))
)


def _stale(number: int) -> StaleVersion:
    return StaleVersion(f"ticket #{number} was changed by someone else; reload and retry")


class Transaction:
    """The writes of one change (or a split and its sub-tickets), on a connection inside
    BEGIN IMMEDIATE; the caller commits, or rolls back on the first refusal."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def require_finished(self, numbers: Sequence[int]) -> None:
        for number in numbers:
            if self.conn.execute(_IS_FINISHED, (number,)).fetchone() is None:
                raise NotDone(f"ticket #{number} is not finished yet")

    def put_ticket(self, ticket: Ticket, event: Event | None) -> int:
        """The ticket at its next version, guarded by the version it was read at, with its
        event, timers and search entry; the new version."""
        row = astuple(TicketRow.of(ticket))
        if ticket.version is None:
            written = self.conn.execute(_INSERT_TICKET, row).rowcount
        else:
            written = self.conn.execute(_UPDATE_TICKET, (*row, ticket.version)).rowcount
        if not written:
            raise _stale(ticket.number)
        version = (ticket.version or 0) + 1
        self._timers(ticket)
        if event is not None:  # housekeeping changes (a re-planned timer) record no event
            self._event(event, version)
        search_index.write(self.conn, ticket, event)
        return version

    def _timers(self, ticket: Ticket) -> None:
        self.conn.execute("DELETE FROM timers WHERE ticket = ?", (ticket.number,))
        self.conn.executemany(
            "INSERT INTO timers (ticket, name, due) VALUES (?, ?, ?)",
            [(ticket.number, name, utc_text(at)) for name, at in ticket.timers.items()],
        )

    def _event(self, event: Event, seq: int) -> None:
        try:
            self.conn.execute(
                "INSERT INTO events (ticket, seq, body, day, at) VALUES (?, ?, ?, ?, ?)",
                (event.ticket, seq, event_document(event), utc_day(event.at), utc_text(event.at)),
            )
        except sqlite3.IntegrityError:
            raise _stale(event.ticket) from None
        self.conn.execute("INSERT INTO outbox (ticket, seq) VALUES (?, ?)", (event.ticket, seq))

    def link(self, thread: str, ticket: Ticket, replacing: int | None = None) -> None:
        """One ticket per thread: a second filing for it races and loses, then comments. A
        link that moves (`replacing`: the ticket it points at) must not have moved since."""
        at = utc_text(ticket.updated_at)
        if replacing is None:
            linked = self.conn.execute(
                "INSERT INTO links (thread, ticket, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (thread) DO NOTHING",
                (thread, ticket.number, at),
            ).rowcount
        else:
            linked = self.conn.execute(
                "UPDATE links SET ticket = ?, created_at = ? WHERE thread = ? AND ticket = ?",
                (ticket.number, at, thread, replacing),
            ).rowcount
        if not linked:
            raise StaleVersion(f"{thread} was linked to a ticket meanwhile; retry")

    def receipt(self, message: Inbound, ticket: Ticket) -> None:
        """Mark the delivery applied, once: a redelivered message cancels the change."""
        applied = self.conn.execute(
            "UPDATE inbox SET applied_at = ?, outcome = 'applied', ticket = ?"
            " WHERE key = ? AND applied_at IS NULL",
            (utc_text(ticket.updated_at), ticket.number, message.key),
        ).rowcount
        if not applied:
            raise AlreadyDone(f"delivery {message.key} was applied already")

    def move_wip(self, changes: Sequence[Change]) -> None:
        """Each member's moves summed into one, a rise checked against the lowest limit
        given for it (as one DynamoDB update per member does)."""
        moves: dict[str, list[WipChange]] = {}
        for change in changes:
            for w in change.wip:
                moves.setdefault(w.member, []).append(w)
        for member, ws in moves.items():
            delta = sum(w.delta for w in ws)
            limits = [w.limit for w in ws if w.limit is not None and w.delta > 0]
            if delta:
                self._move(member, delta, min(limits) if limits else None)

    def _move(self, member: str, delta: int, limit: int | None) -> None:
        if delta > 0 and limit is not None:
            row = self.conn.execute(
                "SELECT open_count FROM wip WHERE member = ?", (member,)
            ).fetchone()
            if (row[0] if row else 0) + delta > limit:
                raise WipLimitReached(member, limit)
        self.conn.execute(
            "INSERT INTO wip (member, open_count) VALUES (?, ?)"
            " ON CONFLICT (member) DO UPDATE SET open_count = open_count + excluded.open_count",
            (member, delta),
        )
