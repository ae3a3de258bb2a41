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
_TIMER = "INSERT INTO timers (ticket, name, due) VALUES (?, ?, ?)"
_EVENT = "INSERT INTO events (ticket, seq, body, day, at) VALUES (?, ?, ?, ?, ?)"


def restore(conn: sqlite3.Connection, ticket: Ticket, events: Sequence[Event]) -> bool:
    """On a connection inside BEGIN IMMEDIATE: False, with nothing written, when the number
    is taken."""
    version = max(ticket.version or 0, len(events), 1)
    if not conn.execute(_INSERT, (*astuple(TicketRow.of(ticket)), version)).rowcount:
        return False
    conn.executemany(
        _TIMER, [(ticket.number, name, utc_text(at)) for name, at in ticket.timers.items()]
    )
    conn.executemany(
        _EVENT,
        [
            (e.ticket, seq, event_document(e), utc_day(e.at), utc_text(e.at))
            for seq, e in enumerate(events, start=1)
        ],
    )
    search_index.rebuild(conn, ticket)
    if ticket.owner and ticket.is_open:
        Transaction(conn).move_wip([Change(None, wip=(WipChange(ticket.owner, 1),))])
    return True
