"""What the public queue, the requester's pages and the reports read, on the real table:
the sparse public index, a requester's tickets, events by day, one-time sign-in links."""

from __future__ import annotations

from datetime import timedelta

import boto3

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.domain.actors import Actor
from services.domain.lifecycle import Status
from tests.conftest import valid_ticket


def file(container, **overrides):
    return file_ticket(
        valid_ticket(**overrides),
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    ).ticket


def test_private_tickets_are_not_in_the_public_index_at_all(container, aws):
    public = [file(container, title=f"Public {i}") for i in range(3)]
    secret = file(container, title="Secret", private=True)
    access = file(container, type="access", title="Shell access")  # always private
    found, cursor = container.tickets.public(Status.NEW)
    assert [t.number for t in found] == [t.number for t in public]
    assert cursor == ""
    table = boto3.resource("dynamodb").Table(aws["TicketsTableName"])
    for ticket in (secret, access):
        item = table.get_item(Key={"pk": f"TICKET#{ticket.number}", "sk": "META"})["Item"]
        assert "public_key" not in item


def test_the_public_index_pages_by_filing_time_both_ways(container, clock):
    numbers = []
    for i in range(5):
        clock.advance(minutes=1)
        numbers.append(file(container, title=f"Ticket {i}").number)
    first, cursor = container.tickets.public(Status.NEW, limit=2)
    second, cursor2 = container.tickets.public(Status.NEW, limit=2, after=cursor)
    third, end = container.tickets.public(Status.NEW, limit=2, after=cursor2)
    assert [t.number for t in first + second + third] == numbers
    assert end == ""
    newest, cursor = container.tickets.public(Status.NEW, limit=3, newest_first=True)
    rest, _ = container.tickets.public(Status.NEW, limit=3, newest_first=True, after=cursor)
    assert [t.number for t in newest + rest] == numbers[::-1]


def test_a_status_change_moves_the_ticket_between_public_partitions(container):
    ticket = file(container)
    mira = Actor.staff(container.flow.member("mira"))
    container.tickets.save(ticket, ticket.take(now=container.clock.now(), actor=mira))
    assert container.tickets.public(Status.NEW)[0] == []
    (found,), _ = container.tickets.public(Status.ASSIGNED)
    assert found.owner == "mira"
    assert (found.last_update, found.last_update_at) == ("Assigned", container.clock.now())


def test_a_requester_sees_their_tickets_newest_first(container, clock):
    mine = []
    for _ in range(3):
        clock.advance(minutes=1)
        mine.append(file(container).number)
    file(container, requester={"name": "Other", "email": "other@example.org"})
    assert [t.number for t in container.tickets.by_requester("Ana@Example.org")] == mine[::-1]


def test_events_are_read_by_day(container, clock):
    today = clock.now().date()
    first = file(container)
    clock.advance(days=1)
    second = file(container)
    assert [e.ticket for e in container.tickets.events_on(today)] == [first.number]
    tomorrow = container.tickets.events_on(today + timedelta(days=1))
    assert [(e.ticket, e.kind) for e in tomorrow] == [(second.number, "ticket.filed")]


def test_a_sign_in_link_works_once_and_not_after_it_expires(container, clock):
    links = container.requester_links
    token = links.issue("Ana@Example.org")
    assert links.redeem(token) == "ana@example.org"
    assert links.redeem(token) is None  # used
    late = links.issue("ana@example.org")
    clock.advance(seconds=links.LIFETIME_SECONDS + 1)
    assert links.redeem(late) is None  # expired
    assert links.redeem("made-up") is None


def test_an_address_gets_at_most_three_links_per_quarter_hour(container, clock):
    links = container.requester_links
    assert all(links.issue("ana@example.org") for _ in range(links.PER_WINDOW))
    assert links.issue("Ana@Example.org") is None  # the same address, however it is written
    assert links.issue("bob@example.org") is not None  # others are not held back
    clock.advance(seconds=links.WINDOW_SECONDS)
    assert links.issue("ana@example.org") is not None
