"""The full-text index on the database: written in each change's own transaction (a refused
change leaves it as it was), built by the migration for the tickets stored before it, and
written by an import with the ticket's history."""

from __future__ import annotations

import sqlite3
from dataclasses import astuple, replace
from types import SimpleNamespace

import pytest

from services.adapters.sqlite import SqliteDatabase, search_index
from services.adapters.sqlite.codecs import TicketRow, event_document, utc_day, utc_text
from services.adapters.sqlite.schema import MIGRATIONS
from services.adapters.sqlite.search import SqliteTicketSearch
from services.domain.errors import StaleVersion
from services.domain.events import Event
from services.domain.search import SearchQuery
from services.domain.ticket import Change
from tests.contract.builders import event, minutes, stored, ticket


def find(db: SqliteDatabase, text: str) -> list[int]:
    return [t.number for t in SqliteTicketSearch(db).search(SearchQuery.of(text)).tickets]


def noted(t, message: str) -> Change:
    t.updated_at += minutes(1)
    return Change(
        Event(t.number, "ticket.commented", t.updated_at, "staff:mira", False, {"message": message})
    )


def test_a_refused_change_leaves_the_index_as_it_was(db, tickets):
    t = stored(tickets)
    stale = replace(tickets.get(t.number), title="Renamed in vain")
    tickets.save(t, noted(t, "first note"))
    with pytest.raises(StaleVersion):
        tickets.save(stale, noted(stale, "second note"))
    assert find(db, "first note") == [t.number]
    assert find(db, "renamed") == find(db, "second") == []
    assert find(db, "replica") == [t.number]


def test_the_talk_grows_with_each_event_and_keeps_what_was_said(db, tickets):
    t = stored(tickets)
    tickets.save(t, noted(t, "tape library"))
    tickets.save(t, noted(t, "robot arm"))
    t.title = "Another title"
    tickets.save(t, Change(event(t, "ticket.edited")))
    assert find(db, "tape robot another") == [t.number]
    assert find(db, "replica wiki") == [t.number]  # the requirements are still there


def test_the_migration_builds_the_index_for_tickets_stored_before_it(db_path):
    # A database as the releases before the index left it, with a ticket and its history.
    before = next(i for i, steps in enumerate(MIGRATIONS) if search_index.fill in steps)
    db_path.parent.mkdir(parents=True)
    old = sqlite3.connect(db_path)
    for steps in MIGRATIONS[:before]:
        for step in steps:
            old.execute(step)
    old.execute(f"PRAGMA user_version = {before}")
    t = ticket(SimpleNamespace(next_number=lambda: 7))
    t.version = 1
    old.execute(
        "INSERT INTO tickets (number, body, status, filed_at, requester, open_owner,"
        " escalated, public_status, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
        astuple(TicketRow.of(t)),
    )
    for seq, e in enumerate([event(t, "ticket.filed"), noted(t, "spare fibre").event], 1):
        old.execute(
            "INSERT INTO events (ticket, seq, body, day, at) VALUES (?, ?, ?, ?, ?)",
            (7, seq, event_document(e), utc_day(e.at), utc_text(e.at)),
        )
    old.commit()
    old.close()
    again = SqliteDatabase(db_path)
    assert again.rows("PRAGMA user_version")[0][0] == len(MIGRATIONS)
    assert find(again, "spare fibre replica") == [7]
    assert find(again, "ana souza 7") == [7]
    assert SqliteTicketSearch(again).reindex([7]) == 0  # built as a change writes it
    again.close()


def test_an_imported_ticket_is_found_with_its_history(db, tickets):
    t = ticket(tickets)
    history = [event(t, "ticket.filed"), noted(t, "old home note").event]
    assert tickets.restore(t, history)
    assert find(db, "old home note") == [t.number]


def test_rtflow_reindex_finds_nothing_to_do_on_a_healthy_home(db, tickets, monkeypatch):
    from click.testing import CliRunner

    from services import cli

    made = [stored(tickets) for _ in range(2)]
    home = SimpleNamespace(tickets=tickets, search=SqliteTicketSearch(db))
    monkeypatch.setattr(cli, "_container_for_cli", lambda: home)
    done = CliRunner().invoke(cli.main, ["reindex"])
    assert done.exit_code == 0, done.output
    assert "indexed 2 tickets: 0 brought up to date" in done.output
    with db.transaction() as conn:  # an entry lost: the command writes it again
        conn.execute("DELETE FROM ticket_search WHERE rowid = ?", (made[0].number,))
    assert find(db, "replica") == [made[1].number]
    done = CliRunner().invoke(cli.main, ["reindex", str(made[0].number)])
    assert "indexed 1 tickets: 1 brought up to date" in done.output
    assert find(db, "replica") == [made[1].number, made[0].number]
