"""Imported events are history, not news. On DynamoDB the table's stream carries every item
written, restored events too: they are marked, and the relay publishes none of them, while
the next change of an imported ticket goes out as usual."""

from __future__ import annotations

import boto3

from services.adapters.stream_records import decoded_inserts
from services.application.relay import Outlets, relay_batch
from services.domain.search import SearchQuery
from services.domain.ticket import Change
from tests.contract.builders import event, stored, taken
from tests.fakes import FakePublisher, FakeTicketRepository

from .conftest import rtflow, rtflow_on


def stream_event(container) -> dict:
    """Every record of the table's stream so far, as Lambda hands them to the relay."""
    table = boto3.client("dynamodb").describe_table(TableName=container.settings.table_name)
    arn = table["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams")
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            iterator = page.get("NextShardIterator") if page["Records"] else None
    for r in records:
        r["dynamodb"]["ApproximateCreationDateTime"] = 0
        r["eventSourceARN"] = arn
    return {"Records": records}


def relayed(container) -> list[dict]:
    notify, triage = FakePublisher(), FakePublisher()
    assert relay_batch(decoded_inserts(stream_event(container)), Outlets(notify, triage)) is None
    return notify.published + triage.published


def test_imported_events_reach_no_consumer_on_dynamodb(monkeypatch, tmp_path, container):
    home = FakeTicketRepository()
    first = stored(home)
    home.save(first, taken(first, "priya"))
    stored(home)
    out = tmp_path / "tickets.jsonl"
    assert rtflow(monkeypatch, home, "export", "--out", str(out)).exit_code == 0

    result = rtflow(monkeypatch, container.tickets, "import", str(out))
    assert result.exit_code == 0, result.output
    assert "imported 2 tickets (3 events)" in result.stdout
    assert len(container.tickets.history(1)) == 2  # written, and in the stream
    assert relayed(container) == []

    moved = container.tickets.get(1)
    comment = event(moved)
    container.tickets.save(moved, Change(comment))
    assert [m["id"] for m in relayed(container)] == [comment.id]  # news again


def test_imported_tickets_are_found_by_the_search_on_dynamodb(monkeypatch, tmp_path, container):
    """The relay keeps DynamoDB's term index, and it publishes no imported event: the import
    indexes what it wrote itself."""
    home = FakeTicketRepository()
    first = stored(home)
    out = tmp_path / "tickets.jsonl"
    assert rtflow(monkeypatch, home, "export", "--out", str(out)).exit_code == 0
    word = first.title.split()[-1]

    result = rtflow_on(monkeypatch, container, "import", str(out))
    assert result.exit_code == 0, result.output
    found = container.search.search(SearchQuery.of(word))
    assert [t.number for t in found.tickets] == [first.number]
