"""A fresh database file per test, and the adapters on it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.adapters.sqlite import (
    SqliteDatabase,
    SqliteInbox,
    SqliteOutbox,
    SqliteTicketRepository,
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "rtflow.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[SqliteDatabase]:
    database = SqliteDatabase(db_path)
    yield database
    database.close()


@pytest.fixture
def tickets(db):
    return SqliteTicketRepository(db)


@pytest.fixture
def inbox(db, clock):
    return SqliteInbox(db, clock)


@pytest.fixture
def outbox(db):
    return SqliteOutbox(db)


def every_row(db: SqliteDatabase) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, by table: to show that a refused change wrote nothing."""
    tables = [
        r["name"]
        for r in db.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    conn: sqlite3.Connection = db.connection()
    return {
        t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")]  # noqa: S608
        for t in tables
    }
