"""A change is one transaction: refused or failing half-way, it leaves every table as it
was; two writers racing for one ticket get one StaleVersion between them."""

from __future__ import annotations

import threading

import pytest

from services.adapters.sqlite import SqliteTicketRepository
from services.adapters.sqlite.transactions import Transaction
from services.domain.errors import StaleVersion, WipLimitReached
from services.domain.inbound import Inbound
from services.domain.ticket import Change
from tests.contract.builders import T0, event, minutes, stored, taken, ticket

from .conftest import every_row


def delivery(name: str, thread: str = "") -> Inbound:
    return Inbound(source="github", delivery=name, action="open", thread=thread, draft={})


def test_a_refused_change_writes_nothing_at_all(db, tickets, inbox):
    busy = stored(tickets)
    tickets.save(busy, taken(busy, "priya"))
    message = delivery("d1", "github:octo/repo#1")
    inbox.record(message)
    t = stored(tickets, timers={"sla": T0 + minutes(30)})
    before = every_row(db)
    t.timers = {"nudge": T0 + minutes(5)}
    t.title = "Changed"
    # Everything but the WIP move would be written: ticket, event, timers, link, receipt.
    with pytest.raises(WipLimitReached):
        tickets.save(t, taken(t, "priya", limit=1), receipt=message, thread=message.thread)
    assert every_row(db) == before
    assert inbox.outcome(message) is None and inbox.linked(message.thread) is None


def test_a_new_ticket_that_fails_late_leaves_no_trace(db, tickets, inbox, monkeypatch):
    message = delivery("d2", "github:octo/repo#2")
    inbox.record(message)
    before = every_row(db)

    def broken(self, changes):
        raise OSError("disk full")

    monkeypatch.setattr(Transaction, "move_wip", broken)
    t = ticket(tickets, timers={"sla": T0 + minutes(30)})
    counter = every_row(db)["counters"]  # the number was taken before the change
    with pytest.raises(OSError, match="disk full"):
        tickets.add(t, event(t, "ticket.filed"), receipt=message, thread=message.thread)
    assert every_row(db) == before | {"counters": counter}
    assert t.version is None  # the ticket in hand is not told it was stored
    assert tickets.due(T0 + minutes(60)) == []


def test_two_writers_racing_for_one_ticket_get_one_stale_version(db):
    repo = SqliteTicketRepository(db)
    number = stored(repo).number
    copies = [repo.get(number), repo.get(number)]  # both read version 1
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def write(copy) -> None:
        start.wait()
        try:
            repo.save(copy, Change(event(copy, "ticket.acknowledged")))
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("stale")

    threads = [threading.Thread(target=write, args=(c,)) for c in copies]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["saved", "stale"]
    assert repo.get(number).version == 2
    assert [e.kind for e in repo.history(number)] == ["ticket.filed", "ticket.acknowledged"]


def test_numbers_taken_from_many_threads_are_all_different(db):
    repo = SqliteTicketRepository(db)
    taken_numbers: list[int] = []

    def take() -> None:
        taken_numbers.extend(repo.next_number() for _ in range(25))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(taken_numbers) == list(range(1, 101))


def test_a_change_committed_in_one_thread_is_read_in_another(db, tickets):
    t = stored(tickets)
    seen: list[int | None] = []
    reader = threading.Thread(target=lambda: seen.append(tickets.get(t.number).version))
    tickets.save(t, Change(event(t, "ticket.acknowledged")))
    reader.start()
    reader.join()
    assert seen == [2]
