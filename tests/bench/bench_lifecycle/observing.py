"""What the emulator saw: every request counted at its WSGI app, with the items it read or
wrote as the emulator held them before and after, labelled with the step and the caller."""

from __future__ import annotations

import contextlib
import contextvars
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from .steps import REGION

# -- what the emulator saw ----------------------------------------------------------------------


@dataclass
class Touched:
    """One item a DynamoDB request read or wrote, as the emulator held it before and after."""

    table: str
    key: dict[str, Any]
    op: str  # Get | Put | Update | Delete | ConditionCheck
    before: dict[str, Any] | None
    after: dict[str, Any] | None = None
    consistent: bool = False


@dataclass
class Call:
    """One HTTP request to the emulator."""

    service: str
    operation: str
    step: str
    caller: str
    status: int
    request: dict[str, Any]
    response: dict[str, Any]
    touched: list[Touched] = field(default_factory=list)
    # Made by its caller's invocation before that invocation's first write (set when billed).
    before_write: bool = False

    @property
    def failed(self) -> bool:
        return self.status >= 400


_WRITE_OPS = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
_CAPACITY_OPS = _WRITE_OPS | {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


def _moto_table(name: str):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(name)


def _image(table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    item = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_item(table, key)
    if item is None:
        return None
    return {name: value.to_regular_json() for name, value in item.attrs.items()}


def _key_of(table: str, item: dict[str, Any]) -> dict[str, Any]:
    t = _moto_table(table)
    names = [t.hash_key_attr] + ([t.range_key_attr] if t.range_key_attr else [])
    return {n: item[n] for n in names if n in item}


# The items a request names: (table, key, kind, consistent read), by operation.
Named = tuple[str, dict[str, Any], str, bool]


def _named_by_put(body: dict[str, Any]) -> Iterator[Named]:
    table = body.get("TableName", "")
    yield table, _key_of(table, body["Item"]), "Put", False


def _named_by_key(kind: str) -> Callable[[dict[str, Any]], Iterator[Named]]:
    def named(body: dict[str, Any]) -> Iterator[Named]:
        yield body.get("TableName", ""), body["Key"], kind, bool(body.get("ConsistentRead"))

    return named


def _named_by_transaction(body: dict[str, Any]) -> Iterator[Named]:
    for entry in body["TransactItems"]:
        ((kind, spec),) = entry.items()
        key = _key_of(spec["TableName"], spec["Item"]) if kind == "Put" else spec["Key"]
        yield spec["TableName"], key, kind, False


def _named_by_batch_write(body: dict[str, Any]) -> Iterator[Named]:
    for name, rows in body["RequestItems"].items():
        for row in rows:
            if "PutRequest" in row:
                yield name, _key_of(name, row["PutRequest"]["Item"]), "Put", False
            else:
                yield name, row["DeleteRequest"]["Key"], "Delete", False


def _named_by_batch_get(body: dict[str, Any]) -> Iterator[Named]:
    for name, spec in body["RequestItems"].items():
        for key in spec["Keys"]:
            yield name, key, "Get", bool(spec.get("ConsistentRead"))


_NAMED_BY = {
    "PutItem": _named_by_put,
    "UpdateItem": _named_by_key("Update"),
    "DeleteItem": _named_by_key("Delete"),
    "GetItem": _named_by_key("Get"),
    "TransactWriteItems": _named_by_transaction,
    "BatchWriteItem": _named_by_batch_write,
    "BatchGetItem": _named_by_batch_get,
}


def _touched_by(op: str, body: dict[str, Any]) -> list[Touched]:
    """The items a request names, with their images as the emulator holds them now."""
    named = _NAMED_BY.get(op)
    if named is None:
        return []
    return [
        Touched(table, key, kind, _image(table, key), consistent=consistent)
        for table, key, kind, consistent in named(body)
    ]


class CallCounter:
    """A WSGI middleware around the emulator's backend app that records every request."""

    def __init__(self, app):
        self.app = app
        self.calls: list[Call] = []

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        step, _, caller = environ.get("HTTP_X_BENCH_CALLER", "|").partition("|")
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = scope.group(1) if scope else "?"
        if target.startswith("DynamoDBStreams"):
            service = "streams"  # signed as "dynamodb"; told apart by its target prefix
        body: dict[str, Any] = {}
        if target:
            operation = target.rpartition(".")[2]
            with contextlib.suppress(ValueError):
                body = json.loads(raw or b"{}")
        elif environ.get("PATH_INFO", "").startswith("/v2/email/outbound-emails"):
            operation = "SendEmail"  # SES v2 (REST): POST /v2/email/outbound-emails
            service = "sesv2"
        else:
            form = parse_qs(raw.decode("utf-8", "replace"))
            operation = (form.get("Action") or [f"{environ['REQUEST_METHOD']} (REST)"])[0]
        touched: list[Touched] = []
        if service == "dynamodb" and operation in _CAPACITY_OPS:
            if body.get("ReturnConsumedCapacity", "NONE") == "NONE":
                body["ReturnConsumedCapacity"] = "TOTAL"  # ask the emulator, as one asks AWS
                raw = json.dumps(body).encode()
            with contextlib.suppress(Exception):  # a malformed request: moto answers it
                touched = _touched_by(operation, body)
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        status: list[int] = []

        def recording_start_response(code, headers, exc_info=None):
            status.append(int(code.split()[0]))
            return start_response(code, headers, exc_info)

        chunks = list(self.app(environ, recording_start_response))
        response: dict[str, Any] = {}
        if target or service == "sesv2":
            with contextlib.suppress(ValueError):
                response = json.loads(b"".join(chunks) or b"{}")
        if operation in _WRITE_OPS:
            for t in touched:
                t.after = _image(t.table, t.key)
        self.calls.append(
            Call(
                service,
                operation,
                step,
                caller,
                status[0] if status else 0,
                body,
                response,
                touched,
            )
        )
        return chunks


_STEP = contextvars.ContextVar("bench_step", default="setup")
_CALLER = contextvars.ContextVar("bench_caller", default="setup")


@contextlib.contextmanager
def _labelled(var: contextvars.ContextVar, value: str) -> Iterator[None]:
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


@contextlib.contextmanager
def _caller_headers() -> Iterator[None]:
    """Every botocore request carries X-Bench-Caller: <step>|<caller> (moto checks no
    signature, and the header is not among the signed ones)."""
    import botocore.endpoint

    original = botocore.endpoint.Endpoint._send

    def send(self, request):
        request.headers["X-Bench-Caller"] = f"{_STEP.get()}|{_CALLER.get()}"
        return original(self, request)

    botocore.endpoint.Endpoint._send = send
    try:
        yield
    finally:
        botocore.endpoint.Endpoint._send = original
