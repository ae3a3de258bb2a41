"""The full-text index on the database: written in each change's own transaction (a refused
change leaves it as it was), built by the migration for the tickets stored before it, and
written by an import with the ticket's history."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.adapters.sqlite import SqliteDatabase, SqliteTicketRepository
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
    db = SqliteDatabase(db_path)
    tickets = SqliteTicketRepository(db)
    t = stored(tickets)
    tickets.save(t, noted(t, "spare fibre"))
    # The database as the schema before the index left it.
    with db.transaction() as conn:
        conn.execute("DROP TABLE ticket_search")
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    db.close()
    again = SqliteDatabase(db_path)
    assert again.rows("PRAGMA user_version")[0][0] == len(MIGRATIONS)
    assert find(again, "spare fibre replica") == [t.number]
    assert find(again, f"ana souza {t.number}") == [t.number]
    assert SqliteTicketSearch(again).reindex([t.number]) == 0  # built as a change writes it
    again.close()


def test_an_imported_ticket_is_found_with_its_history(db, tickets):
    t = ticket(tickets)
    history = [event(t, "ticket.filed"), noted(t, "old home note").event]
    assert tickets.restore(t, history)
    assert find(db, "old home note") == [t.number]
