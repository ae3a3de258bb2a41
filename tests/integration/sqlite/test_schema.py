"""The database file: created at the latest schema, migrated once, refused when newer than
the code; every connection, in any thread, in WAL mode with foreign keys and NORMAL sync."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from services.adapters.sqlite import SchemaTooNew, SqliteDatabase
from services.adapters.sqlite.schema import MIGRATIONS, migrate


def settings(db) -> tuple[str, int, int, int]:
    conn = db.connection()
    return (
        conn.execute("PRAGMA journal_mode").fetchone()[0],
        conn.execute("PRAGMA synchronous").fetchone()[0],
        conn.execute("PRAGMA foreign_keys").fetchone()[0],
        conn.execute("PRAGMA busy_timeout").fetchone()[0],
    )


def test_a_new_file_is_created_at_the_latest_schema(db, db_path):
    assert db_path.exists()
    assert db.row("PRAGMA user_version")[0] == len(MIGRATIONS)
    assert migrate(db.connection()) == len(MIGRATIONS)  # nothing left to do


def test_every_threads_connection_has_the_same_settings(db):
    found = []
    other = threading.Thread(target=lambda: found.append(settings(db)))
    other.start()
    other.join()
    # WAL, synchronous NORMAL (1), foreign keys on, a busy timeout in milliseconds.
    assert found == [settings(db)] == [("wal", 1, 1, 10_000)]
    assert db.connection() is db.connection()


def test_opening_again_keeps_the_data_and_migrates_nothing(db, db_path, tickets):
    tickets.next_number()
    db.close()
    again = SqliteDatabase(db_path)
    assert again.row("PRAGMA user_version")[0] == len(MIGRATIONS)
    assert again.row("SELECT value FROM counters")[0] == 1


def test_a_database_newer_than_the_code_is_refused_untouched(db_path):
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    written = db_path.read_bytes()
    with pytest.raises(SchemaTooNew, match="upgrade RT Flow"):
        SqliteDatabase(db_path)
    assert db_path.read_bytes() == written


def test_foreign_keys_hold(db):
    with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
        conn.execute("INSERT INTO events (ticket, seq, body, day, at) VALUES (1, 1, '{}', '', '')")
    assert db.rows("SELECT * FROM events") == []
