"""Tickets a release before this one stored on DynamoDB keep its index keys (the public index
by status, every status in the status index) until their next change or `rtflow reindex`,
which rewrites those keys alone; and a finished status's page passes over the other finished
tickets of its partition within its bound."""

from __future__ import annotations

from click.testing import CliRunner

from services import cli
from services.adapters.dynamo import index_keys
from services.adapters.dynamo import tickets as dynamo_tickets
from services.adapters.dynamo.models import TicketItem
from services.domain.actors import Actor
from services.domain.lifecycle import Status
from services.intake.queue import FINISHED_TRIPS, parse_query, read_queue
from tests.contract.builders import T0, minutes, stored
from tests.integration.test_repository import file


def as_before(number: int, status: str) -> None:
    """The keys the release before wrote: the public index and the status index by status."""
    TicketItem._get_connection().update_item(
        f"TICKET#{number}",
        "META",
        actions=[
            TicketItem.public_key.set(f"PUBLIC#{status}"),
            TicketItem.status_key.set(f"STATUS#{status}"),
        ],
    )


def item(number: int) -> TicketItem:
    return TicketItem.get(f"TICKET#{number}", "META", consistent_read=True)


def rejected(container) -> int:
    t = file(container).ticket
    mira = Actor.staff(container.flow.member("mira"))
    container.tickets.save(t, t.reject(now=container.clock.now(), actor=mira, reason="dup"))
    return t.number


def test_reindex_brings_tickets_with_old_keys_back_into_the_views(container, monkeypatch):
    opened, done = file(container).ticket.number, rejected(container)
    as_before(opened, "new")
    as_before(done, "rejected")
    assert container.tickets.public_open()[0] == []  # the old partitions are not read
    assert container.tickets.public(Status.REJECTED)[0] == []
    versions = {n: item(n).version for n in (opened, done)}
    histories = {n: container.tickets.history(n) for n in (opened, done)}

    monkeypatch.setattr(cli, "_container_for_cli", lambda: container)
    done_once = CliRunner().invoke(cli.main, ["reindex"])

    assert done_once.exit_code == 0, done_once.output
    assert "index keys rewritten for 2 tickets" in done_once.output
    assert [t.number for t in container.tickets.public_open()[0]] == [opened]
    assert [t.number for t in container.tickets.public(Status.REJECTED)[0]] == [done]
    assert (item(opened).public_key, item(done).public_key) == ("PUBLIC#OPEN", "PUBLIC#FINISHED")
    assert item(done).status_key is None  # the status index holds open tickets only
    assert {n: item(n).version for n in (opened, done)} == versions
    assert {n: container.tickets.history(n) for n in (opened, done)} == histories
    again = CliRunner().invoke(cli.main, ["reindex"])
    assert "index keys rewritten for 0 tickets" in again.output


def test_a_ticket_changed_since_its_keys_were_read_is_left_to_its_change(container):
    number = file(container).ticket.number
    as_before(number, "new")
    read = item(number)
    t = container.tickets.get(number)
    container.tickets.save(t, t.reject(now=container.clock.now(),
                           actor=Actor.staff(container.flow.member("mira")), reason="dup"))  # fmt: skip
    assert index_keys._update(read, index_keys.differences(read)) is False
    assert item(number).public_key == "PUBLIC#FINISHED"  # as the change wrote it


def test_a_finished_page_reads_a_bounded_number_of_other_tickets(container, monkeypatch):
    monkeypatch.setattr(dynamo_tickets, "PAGE_READS", 4)
    monkeypatch.setattr(dynamo_tickets, "PAGE_STEP", 2)
    repo = container.tickets
    closed = [stored(repo, at=T0 + minutes(i), status=Status.CLOSED) for i in range(6)]
    wanted = stored(repo, at=T0 + minutes(9), status=Status.RESOLVED)
    page, cursor = repo.public(Status.RESOLVED, limit=1)
    assert page == [] and cursor  # four closed ones read, none kept: read on
    page, cursor = repo.public(Status.RESOLVED, limit=1, after=cursor)
    assert [t.number for t in page] == [wanted.number]
    assert repo.public(Status.RESOLVED, limit=1, after=cursor) == ([], "")
    newest, cursor = repo.public(Status.CLOSED, limit=10, newest_first=True)
    assert [t.number for t in newest] == [t.number for t in closed[::-1][:3]] and cursor


def test_a_finished_status_is_never_asked_of_the_status_index(container, monkeypatch):
    stored(container.tickets, status=Status.CLOSED)

    def refuse(*args, **kwargs):
        raise AssertionError("the status index holds open tickets only")

    monkeypatch.setattr(type(TicketItem.by_status), "query", refuse)
    assert container.tickets.by_status(Status.CLOSED) == []


def test_a_page_of_the_public_queue_reads_at_most_its_trips_of_bounded_reads(
    container, monkeypatch, flow
):
    """The queue's page of a rare finished status: at most FINISHED_TRIPS reads of the
    repository, each passing over at most PAGE_READS entries of the others."""
    monkeypatch.setattr(dynamo_tickets, "PAGE_READS", 4)
    monkeypatch.setattr(dynamo_tickets, "PAGE_STEP", 2)
    repo = container.tickets
    for i in range(30):
        stored(repo, at=T0 + minutes(i), status=Status.CLOSED)
    entries_read = []
    real = repo.store._public_entries

    def counted(*args, **kwargs):
        found = list(real(*args, **kwargs))
        entries_read.extend(found)
        return found

    monkeypatch.setattr(repo.store, "_public_entries", counted)
    result = read_queue(repo, parse_query({"status": "resolved", "sort": "oldest"}, flow))
    assert result.tickets == [] and result.next_after  # nothing yet: the next page reads on
    assert len(entries_read) <= FINISHED_TRIPS * 4
