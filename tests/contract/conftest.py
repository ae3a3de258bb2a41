"""Every implementation of each port (services/domain/ports.py), for the contract cases to run
over: the in-memory fakes of tests/fakes.py, the DynamoDB adapters on the emulator and the
SQLite adapters on a database file.

One table (and one database) serves the session: each case files its own tickets (fresh
numbers from the counter) and uses its own members, addresses, threads and deliveries. A case
that reads a whole index partition (every ticket in a status, every event of a day) is marked
`fresh_table` and gets a table (or a database) of its own.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest

from services.adapters.deliveries import DynamoDeliveryLog
from services.adapters.dynamo import (
    DynamoInbox,
    DynamoMailLedger,
    DynamoRequesterLinks,
    DynamoStaffTokens,
    DynamoTable,
    DynamoTicketRepository,
)
from services.adapters.sqlite import (
    SqliteDatabase,
    SqliteDeliveryLog,
    SqliteInbox,
    SqliteMailLedger,
    SqliteRequesterLinks,
    SqliteStaffTokens,
    SqliteTicketRepository,
)
from tests.fake_deliveries import FakeDeliveryLog
from tests.fakes import (
    FakeInbox,
    FakeMailLedger,
    FakeRequesterLinks,
    FakeTicketRepository,
)

BACKENDS = ["memory", "dynamodb", "sqlite"]
_tables = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fresh_table: the case gets a table (or database) of its own"
    )


@pytest.fixture(scope="session")
def emulator_env(emulator: Any) -> Iterator[Any]:
    """The emulator, with the environment boto3 and pynamodb read set for the session."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "AWS_ENDPOINT_URL": emulator.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        }.items():
            mp.setenv(name, value)
        yield emulator


def create_table(emulator: Any) -> DynamoTable:
    """A new table as infra/resources defines it (CloudFormation, the table alone)."""
    import boto3

    from infra.local.cfn import load_template

    resources = load_template()["Resources"]
    table = {k: v for k, v in resources.items() if v["Type"] == "AWS::DynamoDB::Table"}
    [name] = table
    template = {"Resources": table, "Outputs": {"Table": {"Value": {"Ref": name}}}}
    stack = f"contract-{next(_tables)}"
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    [output] = cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    return DynamoTable(output["OutputValue"], "us-east-1", emulator.endpoint)


@pytest.fixture(scope="session")
def session_table(emulator_env: Any) -> DynamoTable:
    return create_table(emulator_env)


@pytest.fixture
def table(request: pytest.FixtureRequest, emulator_env: Any) -> DynamoTable:
    if request.node.get_closest_marker("fresh_table"):
        return create_table(emulator_env)
    table: DynamoTable = request.getfixturevalue("session_table")
    return table


@pytest.fixture(scope="session")
def session_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteDatabase]:
    db = SqliteDatabase(tmp_path_factory.mktemp("contract") / "rtflow.db")
    yield db
    db.close()


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[SqliteDatabase]:
    if not request.node.get_closest_marker("fresh_table"):
        yield request.getfixturevalue("session_database")
        return
    db = SqliteDatabase(tmp_path / "rtflow.db")
    yield db
    db.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _on(
    request: pytest.FixtureRequest, backend: str, memory: Any, dynamodb: Any, sqlite: Any
) -> Any:
    """The fake, or the adapter built on the case's table or database (created only when
    needed)."""
    if backend == "memory":
        return memory()
    if backend == "dynamodb":
        return dynamodb(request.getfixturevalue("table"))
    return sqlite(request.getfixturevalue("database"))


@pytest.fixture
def inbox(request, backend, clock):
    fake = partial(FakeInbox, assume_recorded=False, clock=clock)
    return _on(
        request, backend, fake, lambda t: DynamoInbox(t, clock), lambda d: SqliteInbox(d, clock)
    )


@pytest.fixture
def tickets(request, backend, inbox):
    return _on(
        request,
        backend,
        lambda: FakeTicketRepository(inbox=inbox),
        DynamoTicketRepository,
        SqliteTicketRepository,
    )


@pytest.fixture
def ledger(request, backend, clock):
    return _on(
        request,
        backend,
        FakeMailLedger,
        lambda t: DynamoMailLedger(t, clock),
        lambda d: SqliteMailLedger(d, clock),
    )


@pytest.fixture
def links(request, backend, clock):
    fake = partial(FakeRequesterLinks, DynamoRequesterLinks.PER_WINDOW, clock)
    return _on(
        request,
        backend,
        fake,
        lambda t: DynamoRequesterLinks(t, clock),
        lambda d: SqliteRequesterLinks(d, clock),
    )


@pytest.fixture
def deliveries(request, backend, clock):
    return _on(
        request,
        backend,
        lambda: FakeDeliveryLog(clock),
        lambda t: DynamoDeliveryLog(t, clock),
        lambda d: SqliteDeliveryLog(d, clock),
    )


@pytest.fixture(params=[b for b in BACKENDS if b != "memory"])
def staff_tokens(request, clock):
    """The stored implementations (no fake: the service logic never needs one)."""
    return _on(
        request,
        request.param,
        None,
        lambda t: DynamoStaffTokens(t, clock),
        lambda d: SqliteStaffTokens(d, clock),
    )


@pytest.fixture
def tag(request: pytest.FixtureRequest) -> str:
    """Unique to the case and backend: for members, addresses, threads and deliveries in the
    session's shared table."""
    return re.sub(r"[^a-zA-Z0-9]+", "-", request.node.name).strip("-")
