"""`rtflow export` and `rtflow import` fail plainly: a missing or malformed file (its line
named) or a backend out of reach gives one clear line and a non-zero exit, and leaves the
target as it was: no half-written export, no ticket imported from a bad file."""

from __future__ import annotations

import json

import pytest

from services.adapters.dynamo import DynamoTable, DynamoTicketRepository
from services.adapters.sqlite import SqliteDatabase, SqliteTicketRepository
from tests.contract.builders import T0, minutes, stored
from tests.fakes import FakeTicketRepository

from .conftest import rtflow, rtflow_on


@pytest.fixture
def export_file(monkeypatch, tmp_path):
    home = FakeTicketRepository()
    for _ in range(3):
        stored(home)
    out = tmp_path / "tickets.jsonl"
    assert rtflow(monkeypatch, home, "export", "--out", str(out)).exit_code == 0
    return out


@pytest.fixture
def unreachable(monkeypatch):
    """A table behind an endpoint nobody listens on."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    return DynamoTicketRepository(DynamoTable("tickets", "us-east-1", "http://127.0.0.1:9"))


def test_a_missing_file_is_named(monkeypatch, tmp_path, sqlite_home):
    result = rtflow(monkeypatch, sqlite_home, "import", str(tmp_path / "nowhere.jsonl"))
    assert result.exit_code == 2
    assert "nowhere.jsonl' does not exist" in result.stderr


def test_a_malformed_line_is_named_and_nothing_is_imported(monkeypatch, export_file, sqlite_home):
    lines = export_file.read_text().splitlines(keepends=True)
    record = json.loads(lines[2])
    del record["ticket"]["requester"]
    export_file.write_text(lines[0] + lines[1] + json.dumps(record) + "\n")
    result = rtflow(monkeypatch, sqlite_home, "import", str(export_file))
    assert result.exit_code == 1
    assert f"Error: {export_file}: line 3: the ticket: no 'requester'; nothing was imported" in (
        result.stderr
    )
    assert sqlite_home.numbers() == []


def test_a_file_that_is_not_text_is_named_by_its_line(monkeypatch, export_file, sqlite_home):
    export_file.write_bytes(export_file.read_bytes() + b"\xff\xfe\n")
    result = rtflow(monkeypatch, sqlite_home, "import", str(export_file))
    assert result.exit_code == 1
    assert "line 4: not UTF-8 text; nothing was imported" in result.stderr
    assert sqlite_home.numbers() == []


def test_an_unreachable_table_fails_the_export_and_writes_no_file(
    monkeypatch, tmp_path, unreachable
):
    out = tmp_path / "tickets.jsonl"
    result = rtflow(monkeypatch, unreachable, "export", "--out", str(out))
    assert result.exit_code == 1
    assert f"Error: export failed, {out} not written: " in result.stderr
    assert "Could not connect to the endpoint URL" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_table_stops_the_import(monkeypatch, export_file, unreachable):
    result = rtflow(monkeypatch, unreachable, "import", str(export_file))
    assert result.exit_code == 1
    assert "Error: import stopped: " in result.stderr
    assert "Could not connect to the endpoint URL" in result.stderr
    assert "import the file again to finish" in result.stderr


def test_a_database_that_cannot_be_opened_fails_plainly(monkeypatch, tmp_path, export_file):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")

    class Container:
        attachments = None  # the tickets name no files

        @property
        def tickets(self):  # opened when the command asks for it, as the container does
            return SqliteTicketRepository(SqliteDatabase(blocked / "rtflow.db"))

    result = rtflow_on(monkeypatch, Container(), "import", str(export_file))
    assert result.exit_code == 1
    assert "Error: import stopped: " in result.stderr and "not-a-directory" in result.stderr


def test_numbers_held_by_other_tickets_fail_the_import_after_the_rest(
    monkeypatch, export_file, sqlite_home
):
    stored(sqlite_home, at=T0 + minutes(1))  # number 1, a different ticket
    result = rtflow(monkeypatch, sqlite_home, "import", str(export_file))
    assert result.exit_code == 1
    assert "imported 2 tickets (2 events)" in result.stdout
    assert "skipped 1, number held by a different ticket: #1" in result.stdout
    assert "1 tickets were not imported: their numbers belong to other tickets here" in (
        result.stderr
    )
    assert sqlite_home.numbers() == [1, 2, 3]
