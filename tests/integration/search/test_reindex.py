"""The term index on DynamoDB (moto): kept by the relay from the events, writing only the
postings a change adds or drops, and built for tickets stored before it by `rtflow reindex`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services import cli
from services.adapters.dynamo.search_index import PostingItem
from services.application.relay import Outlets, relay
from services.domain.search import SearchQuery
from tests.fakes import FakePublisher
from tests.integration.console_helpers import act_as, file


@pytest.fixture
def container(aws, flow, clock):
    from services.adapters.bootstrap import build
    from services.adapters.settings import Settings

    settings = Settings(
        backend="aws",
        table_name=aws["TicketsTableName"],
        notify_queue_url=aws["NotifyQueueUrl"],
        secret_key="search-test-secret-" * 3,
        base_url="http://rt.example.org",
    )
    return build(settings, flow=flow, clock=clock)


def found(container, text: str, **filters) -> list[int]:
    page = container.search.search(SearchQuery.of(text, **filters))
    return [t.number for t in page.tickets]


def relayed(container, number: int) -> None:
    """What the relay does with a ticket's new events: the index first."""
    events = container.tickets.history(number)
    relay(events, Outlets(FakePublisher(), FakePublisher(), search=container.search))


def postings_of(number: int) -> set[str]:
    held = PostingItem.scan(PostingItem.sk == f"{number:010d}")  # a test may scan
    return {i.pk.removeprefix("TERM#") for i in held}


def test_the_relay_indexes_and_a_change_writes_only_what_it_adds(container):
    n = file(container, title="Tape library robot", triaged=False)
    assert found(container, "tape") == []  # not until the relay has passed
    relayed(container, n)
    assert found(container, "tape robot") == [n]
    before = postings_of(n)
    assert {"status:new", "type:general", "title:tape", "tape"} <= before
    act_as(container, "mira", n, "comment", {"message": "Firmware tape", "public": False})
    relayed(container, n)
    after = postings_of(n)
    assert after - before == {"firmware"}  # "tape" was there already
    assert found(container, "firmware robot") == [n]
    assert found(container, "firmware", public=True) == []


def test_reindex_builds_the_index_of_tickets_stored_before_it(container, monkeypatch):
    numbers = [file(container, title=f"Old rack {i}", triaged=False) for i in range(3)]
    assert found(container, "rack") == []
    monkeypatch.setattr(cli, "_container_for_cli", lambda: container)
    done = CliRunner().invoke(cli.main, ["reindex"])
    assert done.exit_code == 0, done.output
    assert "indexed 3 tickets: 3 brought up to date" in done.output
    assert found(container, "old rack") == numbers[::-1]
    again = CliRunner().invoke(cli.main, ["reindex", str(numbers[0])])
    assert "indexed 1 tickets: 0 brought up to date" in again.output
