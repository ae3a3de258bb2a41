"""`get_with_history`, the same on every home: the ticket and exactly its events up to its
version, whatever else its partition holds (the mail ledger's claims) and whatever a change
committing meanwhile wrote, and TicketNotFound for no ticket. Through
`planned(...)`, a change made on what it read plans its timers and answers with the history
without reading it again."""

from __future__ import annotations

import pytest

from services.adapters.dynamo import encode_event
from services.adapters.sqlite.codecs import event_document, utc_day, utc_text
from services.application.planning import planned
from services.domain.errors import TicketNotFound
from services.domain.ticket import Change

from .builders import T0, event, minutes, stored


def test_the_ticket_and_its_events_in_one_read(tickets, ledger):
    t = stored(tickets)
    tickets.save(t, Change(event(t, "ticket.commented", T0 + minutes(1))))
    filed = tickets.history(t.number)[0]
    # Items of the same partition that are not events (DynamoDB: MAIL#... between them).
    assert ledger.claim(t.number, filed.id, "ana@example.org")
    ticket, history = tickets.get_with_history(t.number)
    assert ticket == tickets.get(t.number)
    assert ticket.version == t.version
    assert history == tickets.history(t.number)
    assert [e.kind for e in history] == ["ticket.filed", "ticket.commented"]


def _event_of_a_later_version(tickets, backend, t, seq):
    """An event stored as a change at version `seq` stores it, while the ticket read still
    says an earlier version: what a read racing that change may meet."""
    later = event(t, "ticket.commented", T0 + minutes(9))
    if backend == "memory":
        tickets.events[t.number].append(later)
    elif backend == "dynamodb":
        encode_event(later, seq).save()
    else:
        with tickets.db.transaction() as conn:
            conn.execute(
                "INSERT INTO events (ticket, seq, body, day, at) VALUES (?, ?, ?, ?, ?)",
                (t.number, seq, event_document(later), utc_day(later.at), utc_text(later.at)),
            )


def test_the_history_stops_at_the_version_read(tickets, backend):
    t = stored(tickets)
    _event_of_a_later_version(tickets, backend, t, (t.version or 0) + 1)
    ticket, history = tickets.get_with_history(t.number)
    assert ticket.version == t.version
    assert [e.kind for e in history] == ["ticket.filed"]


def test_no_ticket_is_not_found(tickets):
    with pytest.raises(TicketNotFound):
        tickets.get_with_history(999_999)


class _Counting:
    """The store, counting its history reads."""

    def __init__(self, store):
        self.store, self.history_reads = store, 0

    def __getattr__(self, name):
        return getattr(self.store, name)

    def history(self, number):
        self.history_reads += 1
        return self.store.history(number)


def test_a_change_on_what_was_read_needs_no_other_history_read(tickets, flow):
    counting = _Counting(tickets)
    repo = planned(counting, lambda: flow)
    number = stored(tickets).number
    ticket, history = repo.get_with_history(number)
    change = Change(event(ticket, "ticket.commented", T0 + minutes(2)))
    repo.save(ticket, change)
    assert repo.history_of(ticket) == [*history, change.event] == tickets.history(number)
    assert counting.history_reads == 0
    # A ticket whose history this instance never saw is read, not guessed.
    other = tickets.get(stored(tickets).number)
    assert repo.history_of(other) == tickets.history(other.number)
    assert counting.history_reads == 1
