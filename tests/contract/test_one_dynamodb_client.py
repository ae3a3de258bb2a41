"""The DynamoDB adapters' requests go through one botocore client: every item model's and the
table's transactions' (pynamodb alone builds a session and a client per model class, ~50 ms of
a cold start each). The composition root builds it from its own botocore session, beside its
SQS, S3 and SES clients, with pynamodb's client settings."""

from __future__ import annotations

from typing import Any

from pynamodb.connection import Connection

from services.adapters.bootstrap import build
from services.adapters.dynamo import DynamoMailLedger
from services.adapters.dynamo.models import EventItem, ItemModel, TicketItem
from services.adapters.settings import Settings


def _models() -> list[type[ItemModel]]:
    found, pending = [], [ItemModel]
    while pending:
        model = pending.pop()
        found.append(model)
        pending += model.__subclasses__()
    return found


def test_every_model_and_the_transactions_share_the_table_client(table, clock, tag):
    ledger = DynamoMailLedger(table, clock)
    assert ledger.claim(1, f"one-client-{tag}", "ana@example.org")  # a request on the emulator
    assert EventItem.count(f"TICKET#{10**9}") == 0  # and a Query of another model
    clients = {id(model._get_connection().connection.client) for model in _models()}
    assert clients == {id(table.connection.client)}


def test_binding_another_table_gives_the_models_its_client(emulator_env, table):
    from tests.contract.conftest import create_table

    other = create_table(emulator_env)
    assert TicketItem._get_connection().connection.client is other.connection.client
    table.bind()
    assert TicketItem._get_connection().connection.client is table.connection.client


def test_the_composition_root_builds_it_from_its_own_session(emulator_env, monkeypatch, tag):
    monkeypatch.setenv("RTFLOW_BACKEND", "aws")
    settings = Settings(secret_key="k" * 40, table_name=f"not-made-{tag}")
    c = build(settings)
    table = c.models  # built on first use: the models are bound to it from then on
    client = TicketItem._get_connection().connection.client
    assert client is table.connection.client
    assert table.connection.session is c._session._session
    # The client pynamodb would build: its timeouts, retries, pool and no parameter validation.
    own = Connection(region="us-east-1", host=emulator_env.endpoint).client
    assert _settings(client) == _settings(own)
    assert client.meta.endpoint_url == emulator_env.endpoint


def _settings(client: Any) -> tuple[Any, ...]:
    config = client.meta.config
    return (
        client.meta.region_name,
        config.retries,
        config.connect_timeout,
        config.read_timeout,
        config.max_pool_connections,
        type(client._serializer),  # validating serializers wrap the plain one
    )
