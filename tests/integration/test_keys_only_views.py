"""The ticket's indexes on DynamoDB hold keys only: a ticket change that keeps its index keys
writes no index entry, and a view reads the tickets its Query found by key, leaving out one
the index still lists but that no longer matches (the index follows the table a moment late;
moto's does not, so the late index is stood in for here)."""

from __future__ import annotations

import boto3
import pytest

from services.adapters.dynamo.models import TicketItem
from services.domain.actors import Actor
from services.domain.lifecycle import Status
from tests.integration.test_repository import file

INDEXES = ("by-status", "by-owner", "by-requester", "by-escalation", "by-public")


def test_the_ticket_indexes_project_keys_only(container):
    table = boto3.client("dynamodb").describe_table(TableName=container.settings.table_name)
    projections = {
        i["IndexName"]: i["Projection"]["ProjectionType"]
        for i in table["Table"]["GlobalSecondaryIndexes"]
    }
    assert {name: projections[name] for name in INDEXES} == dict.fromkeys(INDEXES, "KEYS_ONLY")
    assert projections["by-day"] == "ALL"  # events are written once and read in bulk


def test_a_view_reads_whole_tickets_in_the_index_order(container):
    numbers = [file(container).ticket.number for _ in range(3)]
    listed = [t.number for t in container.tickets.by_status(Status.NEW)]
    assert [n for n in listed if n in numbers] == numbers
    mine = container.tickets.by_requester("ana@example.org")
    assert {t.number for t in mine} >= set(numbers)
    assert all(t.requirements and t.token_digest for t in mine)  # whole tickets, read by key


class _Late:
    """An index that still lists what the table has moved on from."""

    def __init__(self, numbers):
        self.keys = [TicketItem(f"TICKET#{n}", "META") for n in numbers]
        self.last_evaluated_key = None

    def __iter__(self):
        return iter(self.keys)


@pytest.fixture
def late_index(monkeypatch):
    def lists(index, numbers):
        monkeypatch.setattr(type(index), "query", lambda self, *a, **kw: _Late(numbers))

    return lists


def test_a_ticket_made_private_is_never_read_into_the_public_list(container, late_index):
    shown, hidden = file(container).ticket, file(container).ticket
    ticket = container.tickets.get(hidden.number)
    mira = Actor.staff(container.flow.member("mira"))
    change = ticket.edit(now=container.clock.now(), actor=mira, values={"private": True},
                         reason="holds a customer's name")  # fmt: skip
    container.tickets.save(ticket, change)
    late_index(TicketItem.by_public, [shown.number, hidden.number])
    page, _ = container.tickets.public(Status.NEW)
    assert [t.number for t in page] == [shown.number]


def test_a_ticket_that_moved_on_is_left_out_of_its_old_status(container, late_index):
    moved = file(container).ticket
    ticket = container.tickets.get(moved.number)
    container.tickets.save(ticket, ticket.reject(now=container.clock.now(),
                           actor=Actor.staff(container.flow.member("mira")), reason="dup"))  # fmt: skip
    late_index(TicketItem.by_status, [moved.number])
    assert container.tickets.by_status(Status.NEW) == []
