"""Moving house end to end: tickets filed on DynamoDB (moto), `rtflow export` and
`rtflow import` run by click's runner over whichever repository a test gives them, and a
SQLite home in the test's directory."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner, Result

from services import cli
from services.adapters.sqlite import SqliteDatabase, SqliteTicketRepository
from services.application.filing import file_ticket
from tests.conftest import valid_ticket
from tests.contract.builders import finished, taken
from tests.fake_search import FakeTicketSearch


def rtflow_on(monkeypatch: pytest.MonkeyPatch, container: Any, *args: str) -> Result:
    """`rtflow ARGS` with the CLI's container being `container`."""
    monkeypatch.setattr(cli, "_container_for_cli", lambda: container)
    return CliRunner().invoke(cli.main, list(args))


def rtflow(monkeypatch: pytest.MonkeyPatch, tickets: Any, *args: str) -> Result:
    """`rtflow ARGS` with the container's tickets being `tickets` (and the search the fake's,
    which reads tickets as they are, with nothing to index)."""
    container = SimpleNamespace(tickets=tickets, attachments=None, search=FakeTicketSearch(tickets))
    return rtflow_on(monkeypatch, container, *args)


@pytest.fixture
def database(tmp_path) -> Iterator[SqliteDatabase]:
    db = SqliteDatabase(tmp_path / "home" / "rtflow.db")
    yield db
    db.close()


@pytest.fixture
def sqlite_home(database) -> SqliteTicketRepository:
    return SqliteTicketRepository(database)


@pytest.fixture
def filed(container) -> dict[int, str]:
    """Tickets filed on DynamoDB through the use case, by number, with their status tokens:
    one taken, one taken and resolved, one private and one filed by mail (incomplete)."""
    deps = container.ticket_deps
    tokens = {}
    for data, complete in [
        (valid_ticket(), True),
        (valid_ticket(title="Resize the build cache"), True),
        (valid_ticket(private=True, requester={"name": "Li", "email": "li@example.org"}), True),
        (valid_ticket(end_state=""), False),
    ]:
        made = file_ticket(data, deps, source="web", require_complete=complete)
        tokens[made.ticket.number] = made.token
    repo = container.tickets
    first, second = repo.get(1), repo.get(2)
    repo.save(first, taken(first, "priya"))
    repo.save(second, taken(second, "mira"))
    repo.save(second, finished(second, "mira"))
    return tokens
