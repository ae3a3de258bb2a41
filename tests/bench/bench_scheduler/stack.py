"""The emulator for the benchmark: a fresh stack per size, the tickets loaded over HTTP or
straight into moto's table, and moto's transaction backup limited to the touched partitions."""

from __future__ import annotations

import contextlib
import gc
import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tests.bench.progress import Progress

from .measuring import Meter, item_bytes

if TYPE_CHECKING:
    from services.adapters.dynamo import DynamoTable

ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


# -- the stack ----------------------------------------------------------------------------------


@contextlib.contextmanager
def emulator_env() -> Iterator[str]:
    """moto's server in this process, with the environment the tests' `aws` fixture sets."""
    import logging

    from infra.local.emulator import Emulator

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    emulator = Emulator()
    endpoint = emulator.start()
    saved = {k: os.environ.get(k) for k in [*ENV, "AWS_ENDPOINT_URL"]}
    os.environ.update(ENV | {"AWS_ENDPOINT_URL": endpoint})
    try:
        yield endpoint
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        emulator.stop()


@contextlib.contextmanager
def fresh_stack(name: str) -> Iterator[dict[str, str]]:
    """The resources of infra/resources, created by CloudFormation in the emulator."""
    import boto3

    from infra.local.cfn import load_template

    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(load_template()))
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    try:
        yield outputs
    finally:
        cfn.delete_stack(StackName=name)
        ddb = boto3.client("dynamodb")
        with contextlib.suppress(ddb.exceptions.ResourceNotFoundException):
            ddb.delete_table(TableName=outputs["TicketsTableName"])
        gc.collect()


LOAD_METHODS = {
    "http": "pynamodb Model.batch_write(): BatchWriteItem of 25 over HTTP to moto",
    "direct": "the same serialised items (Model.serialize(), as batch_write sends them) put "
    "straight into moto's in-process table, skipping HTTP; reads still go over HTTP",
}


def load(table: DynamoTable, tickets, histories, method: str = "http") -> dict[str, Any]:
    """Every item through the adapter's own codecs (encode_ticket, encode_event), into the
    table the item models are bound to."""
    from services.adapters.dynamo import encode_event, encode_ticket
    from services.adapters.dynamo.models import TicketItem

    table.bind()

    events = [(e, seq) for h in histories.values() for seq, e in enumerate(h, start=1)]
    items = len(tickets) + len(events)
    progress = Progress(f"loading {len(tickets):,} tickets ({method})", items)

    def all_items():
        for ticket in tickets:
            yield encode_ticket(ticket)
        for event, seq in events:
            yield encode_event(event, seq)

    with Meter() as meter:
        if method == "http":
            with TicketItem.batch_write() as batch:  # one table: it writes every kind of item
                for item in all_items():
                    batch.save(item)
                    progress.update()
            nbytes = meter.written_bytes
        elif method == "direct":
            moto_table = _moto_table(table.table_name)
            nbytes = 0
            for item in all_items():
                attrs = item.serialize()
                moto_table.put_item(attrs)
                nbytes += item_bytes(attrs)
                progress.update()
        else:
            raise ValueError(f"unknown load method {method!r}; one of {sorted(LOAD_METHODS)}")
    seconds = progress.close()
    return {
        "method": method,
        "how": LOAD_METHODS[method],
        "items": items,
        "bytes": nbytes,
        "calls": dict(meter.calls),
        "seconds": round(seconds, 2),
        "seconds_in_calls": round(meter.seconds, 2),
        "items_per_second": round(items / seconds),
    }


def _moto_table(name: str):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][ENV["AWS_REGION"]].get_table(name)


@contextlib.contextmanager
def partition_backups(enabled: bool = True) -> Iterator[None]:
    """moto backs up every table a TransactWriteItems touches with copy.deepcopy(table), so on
    moto a transaction costs O(table + its stream) (~0.5 s at 1,000 tickets, minutes at
    100,000), where DynamoDB's cost follows the transaction's own items. The embedded stack's
    emulator backs up only the partitions a transaction touches (infra/local/emulator.py);
    disabled (--stock-moto), moto's own whole-table backup is put back to time moto as it is."""
    from moto.dynamodb.models import DynamoDBBackend

    scoped = DynamoDBBackend.transact_write_items
    if enabled or not hasattr(scoped, "__wrapped__"):
        yield
        return
    DynamoDBBackend.transact_write_items = scoped.__wrapped__  # type: ignore[method-assign]
    try:
        yield
    finally:
        DynamoDBBackend.transact_write_items = scoped  # type: ignore[method-assign]
