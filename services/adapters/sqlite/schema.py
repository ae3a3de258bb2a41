"""The database's tables and indexes, and the one place that creates and migrates them.

`PRAGMA user_version` holds the number of migrations applied; `migrate` applies the rest, in
one transaction, so a database is always at one version or the next, never in between. A
change of schema is a new entry at the end of MIGRATIONS; an entry once released never
changes.

Every time is stored as UTC text with microseconds (codecs.utc_text), so it sorts as text;
the documents keep the times as they were given, with their offsets.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from . import search_index

# A migration's step: a statement, or a function of the connection for what SQL alone cannot
# say (filling a new index from the rows already there).
Step = str | Callable[[sqlite3.Connection], None]

_TICKETS = (
    # The ticket: its document (codecs.py) and the columns its views read, derived from the
    # document on every save. `version` is the optimistic lock.
    """CREATE TABLE tickets (
        number INTEGER PRIMARY KEY,
        version INTEGER NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body)),
        status TEXT NOT NULL,
        filed_at TEXT NOT NULL,
        requester TEXT NOT NULL,
        open_owner TEXT,
        escalated INTEGER,
        public_status TEXT
    )""",
    # Each view's index ends with filed_at; the rowid (the number) follows it in every
    # index, so "filed_at, number" is read in index order, no sort.
    "CREATE INDEX tickets_by_status ON tickets (status, filed_at)",
    "CREATE INDEX tickets_by_requester ON tickets (requester, filed_at)",
    """CREATE INDEX tickets_by_owner ON tickets (open_owner, filed_at)
        WHERE open_owner IS NOT NULL""",
    """CREATE INDEX tickets_escalated ON tickets (escalated, filed_at)
        WHERE escalated IS NOT NULL""",
    """CREATE INDEX tickets_public ON tickets (public_status, filed_at)
        WHERE public_status IS NOT NULL""",
    # Pending timers, one row each: the minute job reads the due ones from the index.
    """CREATE TABLE timers (
        ticket INTEGER NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
        name TEXT NOT NULL,
        due TEXT NOT NULL,
        PRIMARY KEY (ticket, name)
    ) WITHOUT ROWID""",
    "CREATE INDEX timers_by_due ON timers (due, ticket)",
    # Events: seq is the ticket version the change created (the lock's order). The rowid
    # keeps a day's events that share a moment in the order they were written.
    """CREATE TABLE events (
        ticket INTEGER NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body)),
        day TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (ticket, seq)
    )""",
    "CREATE INDEX events_by_day ON events (day, at)",
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE wip (member TEXT PRIMARY KEY, open_count INTEGER NOT NULL) WITHOUT ROWID",
)

_INBOUND = (
    # Deliveries from other tools and mail, recorded once; applied (or settled) once.
    """CREATE TABLE inbox (
        key TEXT PRIMARY KEY,
        message TEXT NOT NULL,
        received_at TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        applied_at TEXT,
        outcome TEXT,
        ticket INTEGER
    )""",
    "CREATE INDEX inbox_by_expiry ON inbox (expires_at)",
    # The ticket filed for a tool's thread: one per thread.
    """CREATE TABLE links (
        thread TEXT PRIMARY KEY,
        ticket INTEGER NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
        created_at TEXT NOT NULL
    ) WITHOUT ROWID""",
    # What the relay must carry to the consumers, in the order it was committed: every event
    # and every new inbox row. AUTOINCREMENT: a position is never used twice, even after
    # the rows before it are gone.
    """CREATE TABLE outbox (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket INTEGER,
        seq INTEGER,
        inbox_key TEXT REFERENCES inbox (key) ON DELETE CASCADE,
        FOREIGN KEY (ticket, seq) REFERENCES events (ticket, seq) ON DELETE CASCADE,
        CHECK ((seq IS NULL) <> (inbox_key IS NULL))
    )""",
    # For the foreign key: an expired inbox row finds its outbox row by the index.
    "CREATE INDEX outbox_by_inbox_key ON outbox (inbox_key)",
    # Where each reader of the outbox has got to.
    """CREATE TABLE outbox_readers (
        name TEXT PRIMARY KEY,
        position INTEGER NOT NULL
    ) WITHOUT ROWID""",
)

_OTHERS = (
    """CREATE TABLE mail_ledger (
        ticket INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        recipient TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        message_id TEXT,
        PRIMARY KEY (ticket, event_id, recipient)
    ) WITHOUT ROWID""",
    # Staff API tokens and sign-in links: by digest only, never the secret.
    """CREATE TABLE staff_tokens (
        member TEXT NOT NULL,
        digest TEXT NOT NULL,
        label TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (member, digest)
    ) WITHOUT ROWID""",
    """CREATE TABLE login_links (
        digest TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX login_links_by_expiry ON login_links (expires_at)",
    """CREATE TABLE login_rate (
        address TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        asked INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (address, window_start)
    ) WITHOUT ROWID""",
    "CREATE INDEX login_rate_by_expiry ON login_rate (expires_at)",
    # Webhooks out: one row per delivery, every attempt summed up.
    """CREATE TABLE deliveries (
        ticket INTEGER NOT NULL,
        delivery_id TEXT NOT NULL,
        subscription TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_kind TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_status INTEGER,
        last_error TEXT NOT NULL,
        first_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        delivered_at TEXT,
        PRIMARY KEY (ticket, delivery_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX deliveries_by_first_attempt ON deliveries (first_at, delivery_id)",
)

# The full-text index of the search (search_index.py), filled from the tickets already stored.
_SEARCH: tuple[Step, ...] = (search_index.TABLE, search_index.fill)

# Sign-in sessions (sessions.py): a row each by the SHA-256 of its id, removed by sign-out or,
# once expired, by the expiry tick.
_SESSIONS: tuple[Step, ...] = (
    """CREATE TABLE sessions (
        digest TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        data TEXT NOT NULL CHECK (json_valid(data)),
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX sessions_by_expiry ON sessions (expires_at)",
)

# Automatic mails per recipient and hour (mail_budget.py): a row per (address digest, hour),
# removed by the expiry tick.
_MAIL_BUDGET: tuple[Step, ...] = (
    """CREATE TABLE mail_budget (
        address TEXT NOT NULL,
        hour INTEGER NOT NULL,
        taken INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (address, hour)
    ) WITHOUT ROWID""",
    "CREATE INDEX mail_budget_by_expiry ON mail_budget (expires_at)",
)

# One entry per schema version: the steps that bring the previous version to it.
MIGRATIONS: tuple[tuple[Step, ...], ...] = (
    _TICKETS + _INBOUND + _OTHERS,
    _SEARCH,
    _SESSIONS,
    _MAIL_BUDGET,
)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer RT Flow: this one must not touch it."""


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the latest schema; the version it is at. Safe to run from
    several processes at once: the write lock is taken before the version is read."""
    if version(conn) == len(MIGRATIONS):
        return len(MIGRATIONS)
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = version(conn)
        if current > len(MIGRATIONS):
            raise SchemaTooNew(
                f"the database is at schema version {current}; this RT Flow knows only"
                f" {len(MIGRATIONS)}: upgrade RT Flow"
            )
        for steps in MIGRATIONS[current:]:
            for step in steps:
                if callable(step):
                    step(conn)
                else:
                    conn.execute(step)
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)
