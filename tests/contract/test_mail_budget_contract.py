"""The MailBudget's contract, the same cases in memory, on DynamoDB and on SQLite: at most
`limit` mails per address and hour, whoever races for them, counted apart per hour and per
address (in any case of letters); the DynamoDB counter passes the relay by."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from services.adapters.dynamo.mail_budget import DynamoMailBudget
from services.adapters.sqlite.mail_budget import SqliteMailBudget
from services.adapters.stream_records import decoded_inserts
from services.domain.tokens import token_digest
from tests.contract.conftest import _on
from tests.fake_mail_budget import FakeMailBudget

HOUR = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def budget(request, backend):
    return _on(request, backend, FakeMailBudget, DynamoMailBudget, SqliteMailBudget)


def test_an_address_gets_its_limit_an_hour_and_no_more(budget, tag):
    address = f"victim-{tag}@example.net"
    assert [budget.take(address, HOUR, 3) for _ in range(5)] == [True] * 3 + [False] * 2
    assert budget.take(address.upper(), HOUR, 3) is False  # the same address
    assert budget.take(address, HOUR + timedelta(hours=1), 3) is True  # a new hour
    assert budget.take(f"other-{tag}@example.net", HOUR, 3) is True


def test_a_higher_limit_lets_more_through_and_zero_none(budget, tag):
    address = f"victim-{tag}@example.net"
    assert budget.take(address, HOUR, 1) is True
    assert budget.take(address, HOUR, 1) is False
    assert budget.take(address, HOUR, 2) is True
    assert budget.take(f"zero-{tag}@example.net", HOUR, 0) is False


def test_racing_takers_get_exactly_the_limit(budget, tag):
    address = f"raced-{tag}@example.net"
    with ThreadPoolExecutor(8) as pool:
        taken = list(pool.map(lambda _: budget.take(address, HOUR, 5), range(24)))
    assert sum(taken) == 5


def test_the_counter_is_no_news_to_the_relay(table, tag):
    """The stream carries the counter's item: the relay's filter (INSERTs of EVENT# or
    INBOX# items, serverless.yml) does not match it, and the relay decodes it as nothing."""
    address = f"v-{tag}@example.net"
    DynamoMailBudget(table).take(address, HOUR, 3)
    key = {
        "pk": {"S": f"MAILBUDGET#{token_digest(address)}"},
        "sk": {"S": f"H#{int(HOUR.timestamp())}"},
    }
    image = boto3.client("dynamodb").get_item(TableName=table.table_name, Key=key)["Item"]
    assert image["taken"] == {"N": "1"} and "expires_at" in image
    assert not key["sk"]["S"].startswith("EVENT#") and not key["pk"]["S"].startswith("INBOX#")
    record = {
        "eventName": "INSERT",
        "dynamodb": {"Keys": key, "NewImage": image, "SequenceNumber": "1"},
    }
    [decoded] = decoded_inserts({"Records": [record]})
    assert decoded.item is None and not decoded.unreadable
