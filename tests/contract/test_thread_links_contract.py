"""A tool's thread and its ticket, the same cases on the fake, on DynamoDB and on SQLite: a
thread moves to a new ticket only from the one it points at (an alert that fires again after
its ticket was finished, when its tool files anew), and a change may link a thread to its
ticket (a ticket found by the key threads had before they named the tool's instance)."""

from __future__ import annotations

import pytest

from services.domain.errors import StaleVersion, TicketNotFound
from services.domain.inbound import Inbound
from services.domain.ticket import Change

from .builders import event, ticket


def firing(tag: str, name: str) -> Inbound:
    return Inbound(
        source="alertmanager",
        delivery=f"{tag}-{name}",
        action="open",
        thread=f"alertmanager[http://am.example.org]:{tag}",
        draft={"title": "x"},
    )


def filed(tickets, inbox, message: Inbound, **link):
    inbox.record(message)
    t = ticket(tickets)
    tickets.add(t, event(t, "ticket.filed"), receipt=message, thread=message.thread, **link)
    return t


def test_a_thread_moves_to_a_new_ticket_from_the_one_it_points_at(tickets, inbox, tag):
    first = filed(tickets, inbox, firing(tag, "1"))
    again = filed(tickets, inbox, firing(tag, "2"), replacing=first.number)
    assert inbox.linked(firing(tag, "2").thread) == again.number


def test_a_thread_that_moved_meanwhile_is_not_moved_again(tickets, inbox, tag):
    first = filed(tickets, inbox, firing(tag, "1"))
    filed(tickets, inbox, firing(tag, "2"), replacing=first.number)
    message = firing(tag, "3")
    inbox.record(message)
    late = ticket(tickets)
    with pytest.raises(StaleVersion):
        tickets.add(
            late, event(late, "ticket.filed"), receipt=message, thread=message.thread,
            replacing=first.number,
        )  # fmt: skip
    with pytest.raises(TicketNotFound):
        tickets.get(late.number)  # nothing of it was stored
    assert inbox.settle(message, "ignored: retried")  # nor its receipt


def test_a_change_links_a_new_thread_to_its_ticket(tickets, inbox, tag):
    old = Inbound(
        source="alertmanager", delivery=f"{tag}-old", action="open", thread=f"am:{tag}",
        draft={"title": "x"},
    )  # fmt: skip
    t = filed(tickets, inbox, old)
    named = Inbound(
        source="alertmanager", delivery=f"{tag}-named", action="resolved",
        thread=f"alertmanager[http://am.example.org]:{tag}", old_thread=old.thread,
    )  # fmt: skip
    inbox.record(named)
    stored = tickets.get(t.number)
    tickets.save(stored, Change(event(stored)), receipt=named, thread=named.thread)
    assert inbox.linked(named.thread) == inbox.linked(old.thread) == t.number
