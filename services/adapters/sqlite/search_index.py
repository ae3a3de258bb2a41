"""The full-text index (FTS5): one entry per ticket, written in the transaction of every change
to the ticket, so a search finds a ticket as it is as soon as the change commits.

The entry's columns are the parts of services/domain/search.Document (title, body, requester,
talk) and `facets`: one token per filter value (status, type, owner, requester; digests, so
any value is one token) and `xpublic` for a ticket that is not private. A search is then one
FTS5 query, words and filters alike, read in rowid (number) order. `talk` only grows: each
event appends what somebody wrote on it, so a change never reads the ticket's history.
"""

from __future__ import annotations

import hashlib
import sqlite3

from services.domain.events import Event
from services.domain.search import body_text, event_text, facets, requester_text, title_text
from services.domain.ticket import Ticket

from .codecs import decode_event, decode_ticket

TABLE = """CREATE VIRTUAL TABLE ticket_search USING fts5(
    title, body, requester, talk, facets,
    tokenize = 'unicode61 remove_diacritics 2'
)"""
PUBLIC = "xpublic"
WORD_COLUMNS = "{title body requester talk}"

_GET = "SELECT title, body, requester, talk, facets FROM ticket_search WHERE rowid = ?"
_INSERT = """INSERT INTO ticket_search (rowid, title, body, requester, talk, facets)
    VALUES (?6, ?1, ?2, ?3, ?4, ?5)"""
_UPDATE = """UPDATE ticket_search SET title = ?1, body = ?2, requester = ?3, talk = ?4,
    facets = ?5 WHERE rowid = ?6"""
_TICKETS_AFTER = (
    "SELECT number, version, body FROM tickets WHERE number > ? ORDER BY number LIMIT ?"
)
_HISTORY = "SELECT body FROM events WHERE ticket = ? ORDER BY seq"
_CHUNK = 500


def token(kind: str, value: str) -> str:
    """A filter value as one FTS token: `x`, the facet's initial, a digest of the value."""
    return f"x{kind[0]}{hashlib.blake2b(value.encode(), digest_size=8).hexdigest()}"


def facet_tokens(t: Ticket) -> str:
    tokens = [token(kind, value) for kind, value in facets(t).items()]
    return " ".join(tokens + ([] if t.private else [PUBLIC]))


def _entry(t: Ticket, talk: str) -> tuple[str, str, str, str, str]:
    return title_text(t), body_text(t), requester_text(t), talk, facet_tokens(t)


def _put(conn: sqlite3.Connection, number: int, entry: tuple[str, ...]) -> bool:
    """Write the entry unless it is there as it is; whether it was written."""
    row = conn.execute(_GET, (number,)).fetchone()
    if row is not None and tuple(row) == entry:
        return False
    conn.execute(_UPDATE if row is not None else _INSERT, (*entry, number))
    return True


def write(conn: sqlite3.Connection, ticket: Ticket, event: Event | None) -> None:
    """The ticket's entry after a change: its fields and filters as they are now, and what the
    change's event says appended to the talk."""
    row = conn.execute("SELECT talk FROM ticket_search WHERE rowid = ?", (ticket.number,))
    talk = next((r[0] for r in row), "")
    said = event_text(event) if event is not None else ""
    if said:
        talk = f"{talk}\n{said}" if talk else said
    _put(conn, ticket.number, _entry(ticket, talk))


def rebuild(conn: sqlite3.Connection, ticket: Ticket) -> bool:
    """The ticket's entry from the ticket and its whole history; whether it changed."""
    history = [decode_event(r[0]) for r in conn.execute(_HISTORY, (ticket.number,))]
    talk = "\n".join(text for text in map(event_text, history) if text)
    return _put(conn, ticket.number, _entry(ticket, talk))


def fill(conn: sqlite3.Connection) -> None:
    """The migration that brings in the index: an entry for every ticket stored before it,
    read a range of the primary key at a time."""
    last = 0
    while rows := conn.execute(_TICKETS_AFTER, (last, _CHUNK)).fetchall():
        for _, version, body in rows:
            rebuild(conn, decode_ticket(body, version))
        last = rows[-1][0]
