"""What `rtflow import` writes: an exported ticket and its history, in one transaction.

The ticket keeps its number and version; its events get the positions 1..n of its history
(n is never above the version, so the next change's event finds its place free). No outbox
row is written for them: the relay carries only what the outbox holds, so an imported event
reaches no consumer (no mail, no triage, no webhook). The ticket's timers are its own and
stay pending, for the minute job. Its search entry is written from its history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import astuple

from services.domain.events import Event
from services.domain.ticket import Change, Ticket, WipChange

from . import search_index
from .codecs import TicketRow, event_document, utc_day, utc_text
from .transactions import Transaction

_INSERT = """
    INSERT INTO tickets (number, body, status, filed_at, requester, open_owner, escalated,
                         public_status, version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (number) DO NOTHING"""
_UPDATE = """
    UPDATE tickets SET body = ?2, status = ?3, filed_at = ?4, requester = ?5, open_owner = ?6,
                       escalated = ?7, public_status = ?8, version = ?10
    WHERE number = ?1 AND version = ?9"""
_TIMER = "INSERT INTO timers (ticket, name, due) VALUES (?, ?, ?)"
_EVENT = "INSERT INTO events (ticket, seq, body, day, at) VALUES (?, ?, ?, ?, ?)"


def restore(conn: sqlite3.Connection, ticket: Ticket, events: Sequence[Event]) -> bool:
    """On a connection inside BEGIN IMMEDIATE: False, with nothing written, when the number
    is taken."""
    version = max(ticket.version or 0, len(events), 1)
    if not conn.execute(_INSERT, (*astuple(TicketRow.of(ticket)), version)).rowcount:
        return False
    _history(conn, ticket, events, first=1)
    if ticket.owner and ticket.is_open:
        Transaction(conn).move_wip([Change(None, wip=(WipChange(ticket.owner, 1),))])
    return True


def append(conn: sqlite3.Connection, ticket: Ticket, events: Sequence[Event]) -> bool:
    """A restored ticket's new state and more of its history, on a connection inside BEGIN
    IMMEDIATE: False, with nothing written, when its version is no longer `ticket.version`."""
    read = ticket.version or 0
    row = conn.execute("SELECT open_owner FROM tickets WHERE number = ?", (ticket.number,))
    was = next((r[0] for r in row), None)
    version = read + max(len(events), 1)
    if not conn.execute(_UPDATE, (*astuple(TicketRow.of(ticket)), read, version)).rowcount:
        return False
    conn.execute("DELETE FROM timers WHERE ticket = ?", (ticket.number,))
    _history(conn, ticket, events, first=read + 1)
    now = ticket.owner if ticket.is_open else None
    if was != now:
        moves = [WipChange(m, d) for m, d in ((was, -1), (now, 1)) if m]
        Transaction(conn).move_wip([Change(None, wip=tuple(moves))])
    return True


def _history(conn: sqlite3.Connection, ticket: Ticket, events: Sequence[Event], first: int) -> None:
    conn.executemany(
        _TIMER, [(ticket.number, name, utc_text(at)) for name, at in ticket.timers.items()]
    )
    conn.executemany(
        _EVENT,
        [
            (e.ticket, seq, event_document(e), utc_day(e.at), utc_text(e.at))
            for seq, e in enumerate(events, start=first)
        ],
    )
    search_index.rebuild(conn, ticket)
