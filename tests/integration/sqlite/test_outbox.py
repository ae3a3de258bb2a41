"""The outbox: every event and every newly recorded delivery, by position, in the order
they were committed; a reader remembers how far it got."""

from __future__ import annotations

import threading

import pytest

from services.adapters.sqlite import SqliteTicketRepository
from services.domain.errors import StaleVersion
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.ticket import Change
from tests.contract.builders import event, stored


def delivery(name: str) -> Inbound:
    return Inbound(source="github", delivery=name, action="comment", thread="gh#1")


def describe(entries) -> list[str]:
    return [
        e.item.kind if isinstance(e.item, Event) else f"inbound {e.item.delivery}" for e in entries
    ]


def test_events_and_deliveries_come_out_in_commit_order(tickets, inbox, outbox):
    assert outbox.after(0) == [] and outbox.last() == 0
    inbox.record(delivery("d1"))
    t = stored(tickets)
    commented = event(t, "ticket.commented")
    tickets.save(t, Change(commented))
    inbox.record(delivery("d2"))
    entries = outbox.after(0)
    assert describe(entries) == ["inbound d1", "ticket.filed", "ticket.commented", "inbound d2"]
    assert [e.position for e in entries] == [1, 2, 3, 4] and outbox.last() == 4
    assert entries[2].item == commented and entries[3].item == delivery("d2")
    assert describe(outbox.after(2)) == ["ticket.commented", "inbound d2"]
    assert describe(outbox.after(1, limit=2)) == ["ticket.filed", "ticket.commented"]
    assert outbox.after(4) == []


def test_only_what_happened_enters_the_outbox(tickets, inbox, outbox):
    t = stored(tickets)
    inbox.record(delivery("d1"))
    inbox.record(delivery("d1"))  # redelivered: recorded once
    tickets.save(t, Change(None))  # housekeeping: no event
    stale = tickets.get(t.number)
    tickets.save(t, Change(event(t)))
    with pytest.raises(StaleVersion):  # refused: nothing, and no position used up
        tickets.save(stale, Change(event(stale)))
    inbox.record(delivery("d2"))
    assert describe(outbox.after(0)) == [
        "ticket.filed",
        "inbound d1",
        "ticket.commented",
        "inbound d2",
    ]
    assert [e.position for e in outbox.after(0)] == [1, 2, 3, 4]


def test_positions_from_concurrent_writers_are_committed_in_order(db, outbox):
    repo = SqliteTicketRepository(db)

    def file_some() -> None:
        for _ in range(20):
            t = stored(repo)
            repo.save(t, Change(event(t)))

    threads = [threading.Thread(target=file_some) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    entries = outbox.after(0, limit=1000)
    assert [e.position for e in entries] == list(range(1, 161))
    kinds: dict[int, list[str]] = {}
    for e in entries:
        assert isinstance(e.item, Event)
        kinds.setdefault(e.item.ticket, []).append(e.item.kind)
    assert len(kinds) == 80
    assert all(k == ["ticket.filed", "ticket.commented"] for k in kinds.values())


def test_a_reader_remembers_how_far_it_got_and_never_goes_back(outbox):
    assert outbox.position("relay") == 0
    outbox.advance("relay", 5)
    outbox.advance("relay", 3)  # a late, slower batch
    outbox.advance("audit", 1)
    assert (outbox.position("relay"), outbox.position("audit")) == (5, 1)
