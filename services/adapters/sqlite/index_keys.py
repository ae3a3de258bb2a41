"""The columns the views' indexes read, brought up to what a save writes now (`rtflow
reindex`). Each save writes them from the ticket (codecs.TicketRow), so this finds nothing to
do unless a row was written otherwise (by hand, or by a release that derived them otherwise):
then it rewrites those columns alone, in one transaction per chunk of tickets, leaving the
ticket's document and version as they are."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from .codecs import TicketRow, decode_ticket
from .database import SqliteDatabase

# The indexed columns, as codecs.TicketRow names them.
COLUMNS = ("status", "filed_at", "requester", "open_owner", "escalated", "public_status")
_CHUNK = 500

_SET = ", ".join(f"{c} = ?" for c in COLUMNS)
_UPDATE = f"UPDATE tickets SET {_SET} WHERE number = ?"  # noqa: S608 - column names only


_SELECT = f"SELECT number, version, body, {', '.join(COLUMNS)} FROM tickets"  # noqa: S608


def _read(count: int) -> str:
    return f"{_SELECT} WHERE number IN ({','.join('?' * count)})"


def renew(db: SqliteDatabase, numbers: Iterable[int]) -> int:
    """Rewrite the indexed columns of these tickets where they differ; how many it rewrote."""
    wanted = list(dict.fromkeys(numbers))
    renewed = 0
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        with db.transaction() as conn:  # the write lock: no change slips in between
            renewed += sum(_renew_row(conn, row) for row in conn.execute(_read(len(chunk)), chunk))
    return renewed


def _renew_row(conn: sqlite3.Connection, row: sqlite3.Row) -> bool:
    should = TicketRow.of(decode_ticket(row["body"], row["version"]))
    values = [getattr(should, c) for c in COLUMNS]
    if values == [row[c] for c in COLUMNS]:
        return False
    conn.execute(_UPDATE, (*values, row["number"]))
    return True
