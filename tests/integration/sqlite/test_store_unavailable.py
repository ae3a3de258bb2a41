"""The web app on the SQLite home when the store cannot take a change: a write lock held by
another process past the busy timeout, or a full disk. The answer is a 503 in words with
Retry-After (JSON under /api, a page elsewhere), never a 500, and nothing is half-stored."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.adapters.sqlite import SqliteDatabase
from services.domain.errors import StorageUnavailable
from services.intake.app import create_app
from tests.conftest import valid_ticket

from .conftest import every_row

BUSY = "the ticket store is busy; try again"
FULL = "the disk of the ticket store is full"


@pytest.fixture
def quick_db(db_path: Path) -> Iterator[SqliteDatabase]:
    """The database with a short busy timeout: a held lock fails a request in 0.2 s."""
    database = SqliteDatabase(db_path, busy_timeout=0.2)
    yield database
    database.close()


@pytest.fixture
def client(quick_db, tmp_path, flow, clock):
    settings = Settings(
        backend="sqlite",
        data_dir=tmp_path / "data",
        secret_key="test-secret-" * 4,
        base_url="http://rt.example.org",
    )
    container = build(settings, flow=flow, clock=clock, database=quick_db)
    return create_app(container).test_client()


@pytest.fixture
def held_lock(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection holding the write lock until the test ends."""
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    yield other
    other.execute("ROLLBACK")
    other.close()


def count(db: SqliteDatabase, table: str) -> int:
    row = db.row(f"SELECT count(*) FROM {table}")  # noqa: S608 - the test's own table names
    assert row is not None
    return int(row[0])


def test_a_held_write_lock_answers_503_in_words_and_stores_nothing(client, quick_db, held_lock):
    before = every_row(quick_db)
    response = client.post("/api/v1/tickets", json=valid_ticket())
    assert response.status_code == 503
    assert response.get_json() == {"error": BUSY}
    assert int(response.headers["Retry-After"]) > 0
    assert every_row(quick_db) == before


def test_the_form_says_so_on_a_page(client, quick_db, held_lock):
    ticket = valid_ticket()
    form = {k: v for k, v in ticket.items() if isinstance(v, str)}
    form |= {"acceptance_criteria": "\n".join(ticket["acceptance_criteria"])}
    form |= {"requester_name": "Ana Souza", "requester_email": "ana@example.org"}
    response = client.post("/tickets/new", data=form)
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert BUSY in response.text
    assert "Traceback" not in response.text
    assert count(quick_db, "tickets") == 0


def test_once_the_lock_is_released_the_same_request_files_the_ticket(client, quick_db, db_path):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    assert client.post("/api/v1/tickets", json=valid_ticket()).status_code == 503
    other.execute("ROLLBACK")
    other.close()
    assert client.post("/api/v1/tickets", json=valid_ticket()).status_code == 201
    assert count(quick_db, "tickets") == 1


def test_a_full_disk_answers_503_in_words_and_stores_nothing(client, quick_db):
    # The file may not grow past what it has now: the first filing that needs a page fails.
    pages = quick_db.connection().execute("PRAGMA page_count").fetchone()[0]
    quick_db.connection().execute(f"PRAGMA max_page_count = {pages}")
    filed = 0
    for _ in range(50):
        before = every_row(quick_db)
        response = client.post("/api/v1/tickets", json=valid_ticket())
        if response.status_code != 201:
            break
        filed += 1
    assert response.status_code == 503, response.get_json()
    assert response.get_json() == {"error": FULL}
    assert "Retry-After" in response.headers
    # The number was drawn before (its own transaction, as on DynamoDB): it stays unused.
    after = every_row(quick_db)
    assert after.pop("counters") == [("ticket", filed + 1)]
    before.pop("counters")
    assert after == before
    assert count(quick_db, "tickets") == filed
    assert count(quick_db, "events") == count(quick_db, "outbox") == filed


def test_the_store_s_failures_are_still_sqlite3_errors_for_the_commands(quick_db, held_lock):
    # rtflow export and import catch sqlite3.Error: a busy store is said in words there too.
    with pytest.raises(sqlite3.OperationalError) as raised, quick_db.transaction():
        pass
    assert isinstance(raised.value, StorageUnavailable)
    assert str(raised.value) == BUSY


def test_other_database_errors_are_left_as_they_are(quick_db):
    with pytest.raises(sqlite3.OperationalError, match="no such table") as raised:
        quick_db.rows("SELECT * FROM no_such_table")
    assert not isinstance(raised.value, StorageUnavailable)


def test_a_file_written_on_a_full_disk_answers_503_too(client, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SqliteDatabase, "transaction", no_space)
    response = client.post("/api/v1/tickets", json=valid_ticket())
    assert response.status_code == 503
    assert response.get_json() == {"error": FULL}
