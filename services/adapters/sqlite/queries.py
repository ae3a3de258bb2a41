"""The repository's reads, each one lookup or range of an index (the comment names it);
tests/integration/sqlite checks their query plans, so none of them scans a table."""

from __future__ import annotations

from services.domain.lifecycle import FINISHED, Status

# tickets' primary key (the number is the rowid)
GET = "SELECT number, version, body FROM tickets WHERE number = ?"

# counters' primary key
NEXT_NUMBER = """
    INSERT INTO counters (name, value) VALUES ('ticket', ?1)
    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
    RETURNING value"""

# counters' primary key: the counter rises to a number, never falls (import)
RESERVE_THROUGH = """
    INSERT INTO counters (name, value) VALUES ('ticket', ?1)
    ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)"""

# tickets' primary key, a range at a time (export)
NUMBERS_AFTER = "SELECT number FROM tickets WHERE number > ? ORDER BY number LIMIT ?"

# events' unique (ticket, seq)
HISTORY = "SELECT body FROM events WHERE ticket = ? ORDER BY seq"
HISTORY_UPTO = "SELECT body FROM events WHERE ticket = ? AND seq <= ? ORDER BY seq"

# tickets_by_status
BY_STATUS = """
    SELECT number, version, body FROM tickets WHERE status = ?
    ORDER BY filed_at, number LIMIT ?"""

# tickets_by_owner (partial: open owned tickets only)
BY_OWNER = """
    SELECT number, version, body FROM tickets WHERE open_owner = ?
    ORDER BY filed_at, number LIMIT ?"""

# tickets_escalated (partial: open escalated tickets only)
ESCALATED = """
    SELECT number, version, body FROM tickets WHERE escalated = 1
    ORDER BY filed_at, number LIMIT ?"""

# tickets_by_requester, read backwards
BY_REQUESTER = """
    SELECT number, version, body FROM tickets WHERE requester = ?
    ORDER BY filed_at DESC, number DESC LIMIT ?"""

FILED_FOR = """
    SELECT number FROM tickets INDEXED BY tickets_by_requester
    WHERE requester = ? AND filed_at BETWEEN ? AND ? LIMIT ?"""

# timers_by_due: the due range only, whatever the number of tickets. Named, since for the
# grouping the planner would rather read the whole table in key order.
DUE = """
    SELECT ticket, MIN(due) AS first FROM timers INDEXED BY timers_by_due WHERE due <= ?
    GROUP BY ticket ORDER BY first, ticket LIMIT ?"""

# tickets_public (partial: no private ticket is in it), either way, from a cursor
_PUBLIC = "SELECT number, version, body FROM tickets WHERE public_status = ?1"
PUBLIC_OLDEST = f"{_PUBLIC} ORDER BY filed_at, number LIMIT ?2"
PUBLIC_NEWEST = f"{_PUBLIC} ORDER BY filed_at DESC, number DESC LIMIT ?2"
PUBLIC_AFTER = f"""{_PUBLIC} AND filed_at >= ?2 AND (filed_at > ?2 OR number > ?3)
    ORDER BY filed_at, number LIMIT ?4"""
PUBLIC_BEFORE = f"""{_PUBLIC} AND filed_at <= ?2 AND (filed_at < ?2 OR number < ?3)
    ORDER BY filed_at DESC, number DESC LIMIT ?4"""

# tickets_public, every open status at once as of one statement: a range of the index per
# status, then sorted (a few thousand rows at most; the open queue reads them whole)
_OPEN = ",".join(f"'{s.value}'" for s in Status if s not in FINISHED)
_PUBLIC_OPEN = f"SELECT number, version, body FROM tickets WHERE public_status IN ({_OPEN})"  # noqa: S608
PUBLIC_OPEN_OLDEST = f"{_PUBLIC_OPEN} ORDER BY filed_at, number LIMIT ?"
PUBLIC_OPEN_NEWEST = f"{_PUBLIC_OPEN} ORDER BY filed_at DESC, number DESC LIMIT ?"

# events_by_day; a moment's events in the order they were written
EVENTS_ON = "SELECT body FROM events WHERE day = ? ORDER BY at, rowid"


def get_many(count: int) -> str:
    """tickets' primary key, once per number."""
    marks = ",".join("?" * count)
    return f"SELECT number, version, body FROM tickets WHERE number IN ({marks})"  # noqa: S608


def open_counts(count: int) -> str:
    """wip's primary key, once per member."""
    marks = ",".join("?" * count)
    return f"SELECT member, open_count FROM wip WHERE member IN ({marks})"  # noqa: S608
