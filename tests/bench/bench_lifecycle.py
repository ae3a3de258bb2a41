"""AWS work and cost of one ticket's life-cycle (issue 7, item 2).

file -> triage -> assign -> update -> postpone -> wake -> resolve -> close, run through the real
code paths in this process: the embedded stack (infra/local/stack.py) with its emulator, its
resources from infra/resources, its Flask app driven with the test client and staff tokens,
and the Lambda handlers called the way the stack's pumps call them (StreamPump -> relay,
QueuePump -> triage / notify / inbound / webhooks, the scheduler's handler for the timers,
with the stack's AdjustableClock moved past the postponement).

Deterministic: the pumps are the stack's own classes, but stepped one at a time in this thread
in a fixed order (stream, triage, notify, inbound, webhooks) until nothing moves, instead of
racing in threads; `EmbeddedStack.settle()` then runs the scheduler until it has nothing to fire
or re-plan. Filing is settled with triage held back, so the acknowledgement and triage are
measured apart (on AWS they run side by side; a race between them costs one more read and
transaction, which this run never shows).

Every request to the emulator is counted at its WSGI app (inside its one-at-a-time lock), by
service and operation (X-Amz-Target, the SigV4 credential scope, the form's Action, SES v2's
path), and labelled with who made it: the caller's botocore adds a header naming the step and
the function (or the pump working as Lambda's event source mapping). Only what AWS bills is
priced; everything else is shown and named.

Capacity units: every DynamoDB request is sent with ReturnConsumedCapacity=TOTAL (added at the
emulator when the caller did not ask). moto answers with constants (GetItem 0.5, PutItem and
Query 1.0, nothing for UpdateItem and TransactWriteItems), whatever the item size and with no
index writes, so the units here are computed from AWS's documented rules, from the items as
the emulator holds them just before and just after each request (see `write_units`,
`read_units`, `index_writes`); moto's answers are printed next to them.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import json
import math
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from tests.bench.bench_scheduler.measuring import item_bytes
from tests.bench.host import machine
from tests.bench.progress import log
from tests.bench.tables import render as _render

# -- prices -------------------------------------------------------------------------------------

PRICES_AS_OF = "2025-06 (us-east-1 on-demand list prices; DynamoDB after its 1 Nov 2024 cut)"
PRICES: dict[str, tuple[float, str]] = {
    # Halved on 1 Nov 2024 (from $1.25 / $0.25 per million).
    "dynamodb_wru": (0.625 / 1e6, "$0.625 per million write request units"),
    "dynamodb_rru": (0.125 / 1e6, "$0.125 per million read request units"),
    # Lambda's stream triggers read DynamoDB Streams at no charge.
    "streams_lambda": (0.0, "free: GetRecords by a Lambda trigger"),
    # Standard queues; every API call is a request (per 64 KB chunk), Lambda's polling too.
    "sqs_request": (0.40 / 1e6, "$0.40 per million requests (standard queue, 64 KB each)"),
    "ses_email": (0.10 / 1e3, "$0.10 per 1,000 emails (outbound, per recipient)"),
    "lambda_request": (0.20 / 1e6, "$0.20 per million invocations"),
    "lambda_gb_s": (0.0000166667, "$0.0000166667 per GB-second (x86_64)"),
    "http_api_request": (1.00 / 1e6, "$1.00 per million HTTP API requests (first 300 M)"),
}
FREE_TIERS = (
    "Free tiers ignored (SQS 1 M requests and Lambda 1 M invocations + 400,000 GB-s a month; "
    "SES 3,000 mails a month in the first year); not priced: storage, PITR, CloudWatch Logs "
    "($0.50 per GB ingested)."
)

# -- the life-cycle -----------------------------------------------------------------------------

STEPS = ("file", "triage", "assign", "update", "postpone", "wake", "resolve", "close")
# The mails the flow's rules require per step (docs/mail.md "Who hears what", notify):
# file: the requester's and the team list's acknowledgement; triage with no obvious owner: the
# triagers (mira); assign: the new owner; a public update, postponement and resolution: the
# requester; a public wake: the owner and the requester; close by the owner: nobody.
FLOOR_MAILS = {
    "file": 2,
    "triage": 1,
    "assign": 1,
    "update": 1,
    "postpone": 1,
    "wake": 2,
    "resolve": 1,
    "close": 0,
}
# Kinds of the events that are the life-cycle's state changes (one transaction each: the floor).
FLOOR_EVENT_KINDS = frozenset(
    {
        "ticket.filed",
        "ticket.triaged",
        "ticket.assigned",
        "ticket.updated",
        "ticket.postponed",
        "ticket.woken",
        "ticket.resolved",
        "ticket.closed",
    }
)
REGION = "us-east-1"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_MEMORY_MB = 512
WARMUP = "warm-up:"
MAX_PUMP_STEPS = 500  # per settle round; a life-cycle step takes a handful


# -- capacity units: AWS's documented rules -----------------------------------------------------

KB, FOUR_KB = 1024, 4096


def write_units(nbytes: int, *, transactional: bool = False) -> int:
    """Write request units for one item of `nbytes` (the larger of its before and after
    images): 1 per KB started, at least 1; twice that inside TransactWriteItems."""
    units = max(1, math.ceil(nbytes / KB))
    return 2 * units if transactional else units


def read_units(nbytes: int, *, consistent: bool, transactional: bool = False) -> float:
    """Read request units for one read of `nbytes` (an item, or all a Query read): 1 per 4 KB
    started, at least 1; half when eventually consistent, twice in TransactGetItems."""
    units = max(1, math.ceil(nbytes / FOUR_KB))
    if transactional:
        return 2.0 * units
    return float(units) if consistent else units / 2


@dataclass(frozen=True)
class Index:
    """A global secondary index: its key attributes and what it projects."""

    name: str
    hash_key: str
    range_key: str | None
    projection: str  # ALL | KEYS_ONLY | INCLUDE
    include: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.hash_key, self.range_key) if self.range_key else (self.hash_key,)

    def holds(self, item: dict[str, Any] | None) -> bool:
        """A GSI holds only items that have every one of its key attributes (sparse)."""
        return bool(item) and all(k in item for k in self.keys)

    def entry(self, item: dict[str, Any], table_keys: tuple[str, ...]) -> dict[str, Any]:
        """The index entry of `item`: table keys, index keys and the projected attributes."""
        if self.projection == "ALL":
            return dict(item)
        names = {*table_keys, *self.keys, *self.include}
        return {k: v for k, v in item.items() if k in names}


def indexes_from_template(template: dict[str, Any]) -> tuple[tuple[str, ...], list[Index]]:
    """The tickets table's key attributes and GSIs, from the CloudFormation template (the one
    definition the emulator and AWS both use)."""
    table = next(
        r["Properties"]
        for r in template["Resources"].values()
        if r.get("Type") == "AWS::DynamoDB::Table"
    )
    table_keys = tuple(
        k["AttributeName"] for k in sorted(table["KeySchema"], key=lambda k: k["KeyType"])
    )
    out = []
    for gsi in table.get("GlobalSecondaryIndexes", []):
        schema = {k["KeyType"]: k["AttributeName"] for k in gsi["KeySchema"]}
        projection = gsi.get("Projection", {})
        out.append(
            Index(
                gsi["IndexName"],
                schema["HASH"],
                schema.get("RANGE"),
                projection.get("ProjectionType", "KEYS_ONLY"),
                tuple(projection.get("NonKeyAttributes", ())),
            )
        )
    return table_keys, out


def index_writes(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    indexes: list[Index],
    table_keys: tuple[str, ...],
) -> dict[str, int]:
    """Write units each GSI consumes for one table write (DynamoDB guide, "Provisioned
    throughput considerations for global secondary indexes"): an item entering an index is one
    write of its entry, leaving it one delete, a changed index key a delete and a put, a
    change of projected attributes only one write; nothing when the entry is unchanged or the
    item is in the index neither before nor after. Each rounded up to 1 KB of the entry (table
    keys + index keys + projected attributes). GSI propagation is not transactional: 1x."""
    out: dict[str, int] = {}
    for index in indexes:
        was, now = index.holds(before), index.holds(after)
        units = 0
        if was and now:
            assert before is not None and after is not None
            old, new = index.entry(before, table_keys), index.entry(after, table_keys)
            if any(before.get(k) != after.get(k) for k in index.keys):
                units = write_units(item_bytes(old)) + write_units(item_bytes(new))
            elif old != new:
                units = write_units(max(item_bytes(old), item_bytes(new)))
        elif now:
            assert after is not None
            units = write_units(item_bytes(index.entry(after, table_keys)))
        elif was:
            assert before is not None
            units = write_units(item_bytes(index.entry(before, table_keys)))
        if units:
            out[index.name] = units
    return out


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


def _touched_by(op: str, body: dict[str, Any]) -> list[Touched]:
    """The items a request names, with their images as the emulator holds them now."""
    out: list[Touched] = []

    def add(table: str, key: dict[str, Any], kind: str, consistent: bool = False) -> None:
        out.append(Touched(table, key, kind, _image(table, key), consistent=consistent))

    table = body.get("TableName", "")
    if op == "PutItem":
        add(table, _key_of(table, body["Item"]), "Put")
    elif op in ("UpdateItem", "DeleteItem", "GetItem"):
        add(table, body["Key"], op.removesuffix("Item"), bool(body.get("ConsistentRead")))
    elif op == "TransactWriteItems":
        for entry in body["TransactItems"]:
            ((kind, spec),) = entry.items()
            key = _key_of(spec["TableName"], spec["Item"]) if kind == "Put" else spec["Key"]
            add(spec["TableName"], key, kind)
    elif op == "BatchWriteItem":
        for name, rows in body["RequestItems"].items():
            for row in rows:
                if "PutRequest" in row:
                    add(name, _key_of(name, row["PutRequest"]["Item"]), "Put")
                else:
                    add(name, row["DeleteRequest"]["Key"], "Delete")
    elif op == "BatchGetItem":
        for name, spec in body["RequestItems"].items():
            for key in spec["Keys"]:
                add(name, key, "Get", bool(spec.get("ConsistentRead")))
    return out


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


# -- Lambda invocations -------------------------------------------------------------------------


@dataclass
class Invocation:
    function: str
    step: str
    label: str  # the caller label its AWS calls carry
    seconds: float
    billed: bool  # False: AWS would not have invoked it (the relay's stream filter)
    records: int = 0
    did: str = ""  # the scheduler: fired / replanned / idle


def _relay_filter_matches(record: dict) -> bool:
    """serverless.yml's filterPatterns for the relay: INSERTs of EVENT# or INBOX# items."""
    if record.get("eventName") != "INSERT":
        return False
    keys = record.get("dynamodb", {}).get("Keys", {})
    sk = keys.get("sk", {}).get("S", "")
    pk = keys.get("pk", {}).get("S", "")
    return sk.startswith("EVENT#") or pk.startswith("INBOX#")


class _Invocations:
    def __init__(self) -> None:
        self.all: list[Invocation] = []
        self._n: Counter[str] = Counter()

    def label(self, function: str) -> str:
        self._n[function] += 1
        return f"{function}#{self._n[function]}"

    def wrap(self, function: str, handler):
        def invoke(event, context):
            label = self.label(function)
            records = event.get("Records", [])
            billed = True
            if function == "relay":
                billed = any(_relay_filter_matches(r) for r in records)
            start = perf_counter()
            try:
                with _labelled(_CALLER, label):
                    return handler(event, context)
            finally:
                self.all.append(
                    Invocation(
                        function,
                        _STEP.get(),
                        label,
                        perf_counter() - start,
                        billed,
                        len(records),
                    )
                )

        return invoke


# -- the stack, stepped -------------------------------------------------------------------------


def _stack_class():
    from infra.local.stack import EmbeddedStack

    class SteppedStack(EmbeddedStack):
        """The embedded stack with its pumps stepped in this thread, in a fixed order, and
        without the tickers (the scheduler runs when settle() asks; reports never)."""

        def __post_init__(self):
            super().__post_init__()
            self.counter: CallCounter | None = None
            self.invocations = _Invocations()
            self.held: set[str] = set()
            self._named: dict[str, Any] = {}

        def start_emulator(self) -> None:
            super().start_emulator()
            locked = self._emulator._server.app  # emulator._OneAtATime: count inside its lock
            self.counter = CallCounter(locked.app)
            locked.app = self.counter

        def start_pumps(self) -> None:
            import boto3

            from infra.local.pumps import QueuePump, StreamPump
            from services.inbound import handler as inbound
            from services.notify import handler as notify
            from services.notify import webhook_handler as webhooks
            from services.relay import handler as relay
            from services.triage import handler as triage

            streams = boto3.client(
                "dynamodbstreams", endpoint_url=self.endpoint, region_name=REGION
            )
            sqs = boto3.client("sqs", endpoint_url=self.endpoint, region_name=REGION)
            wrap = self.invocations.wrap
            o = self.outputs
            self._named = {
                "stream": StreamPump(
                    streams, o["TicketsTableStreamArn"], wrap("relay", relay.handler), REGION
                ),
                "triage": QueuePump(
                    sqs, o["TriageQueueUrl"], wrap("triage", triage.handler), REGION, "triage"
                ),
                "notify": QueuePump(
                    sqs, o["NotifyQueueUrl"], wrap("notify", notify.handler), REGION, "notify"
                ),
                "inbound": QueuePump(
                    sqs, o["InboundQueueUrl"], wrap("inbound", inbound.handler), REGION, "inbound"
                ),
                "webhooks": QueuePump(
                    sqs,
                    o["WebhooksQueueUrl"],
                    wrap("webhooks", webhooks.handler),
                    REGION,
                    "webhooks",
                    retry_after=None,
                ),
            }
            self._pumps = list(self._named.values())  # not started: stepped by _wait_idle

        def _wait_idle(self, deadline: float) -> None:
            """Step every pump (but the held ones) in turn until none has anything to do."""
            moved, steps = True, 0
            while moved:
                moved = False
                for name, pump in self._named.items():
                    if name in self.held:
                        continue
                    with _labelled(_CALLER, f"esm:{name}"):
                        while pump.step():
                            moved, steps = True, steps + 1
                            if steps > MAX_PUMP_STEPS:  # a handler failing over and over
                                raise RuntimeError(f"the pumps never went idle ({name})")

        def run_scheduler(self):
            label = self.invocations.label("scheduler")
            start = perf_counter()
            with _labelled(_CALLER, label):
                report = super().run_scheduler()
            did = "fired" if report["fired"] else "replanned" if report["replanned"] else "idle"
            self.invocations.all.append(
                Invocation("scheduler", _STEP.get(), label, perf_counter() - start, True, did=did)
            )
            return report

    return SteppedStack


@contextlib.contextmanager
def _isolated_process_state() -> Iterator[None]:
    """The stack sets AWS_* and RTFLOW_* variables and builds the process-wide container:
    put both back afterwards, so later benchmarks in this process start clean."""
    import logging

    from services.adapters.bootstrap import container

    saved = dict(os.environ)
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.WARNING)  # a line per emulator request otherwise
    container.cache_clear()
    try:
        yield
    finally:
        container.cache_clear()
        os.environ.clear()
        os.environ.update(saved)
        werkzeug.setLevel(level)


def start_moment(today: date) -> datetime:
    """A Monday 09:30 in the team's time zone at least a week ahead, in a week whose Monday
    and Tuesday are working days: every run plans the same SLA clocks and reminders."""
    from services.adapters.flow_file import load_flow
    from services.adapters.settings import PROJECT_ROOT

    holidays = set(load_flow(PROJECT_ROOT / "infra" / "flow.example.yaml").calendar.holidays)
    day = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    while day in holidays or day + timedelta(days=1) in holidays:
        day += timedelta(days=7)
    return datetime.combine(day, time(9, 30), AMSTERDAM).astimezone(UTC)


def ticket_body(start: datetime) -> dict[str, Any]:
    """A complete general request whose one needed skill (storage: "nfs") two engineers share
    equally, so triage leaves it unowned for a triager to assign."""
    today = start.date()
    return {
        "type": "general",
        "title": "More room for the analytics exports",
        "requirements": "An NFS share of 2 TB for the nightly analytics exports, mounted on "
        "the stats hosts.",
        "end_state": "The nightly exports write to the new share.",
        "acceptance_criteria": [
            "The share is mounted on every stats host",
            "One nightly export completes on it",
        ],
        "drop_dead_date": (today + timedelta(days=60)).isoformat(),
        "nice_to_have_date": (today + timedelta(days=30)).isoformat(),
        "capacity_needs": "2 TB, growing 50 GB a month",
        "security_needs": "Writable by the analytics service account only",
        "dependencies": ["Storage order #12"],
        "requester": {"name": "Ana Souza", "email": "ana@example.org"},
        "private": False,
    }


def drive(stack, app, tokens: dict[str, str], prefix: str = "") -> dict[str, Any]:
    """The life-cycle, step by step, each settled before the next. Steps are labelled
    `prefix + name` (the warm-up's are not measured)."""
    client = app.test_client()
    invocations = stack.invocations
    start = start_moment(stack.clock.now().date())
    stack.clock.set(start)
    until = datetime.combine(start.date() + timedelta(days=1), time(9, 0), AMSTERDAM)
    seen: dict[str, Any] = {"start": start.isoformat(), "postponed_until": until.isoformat()}
    number = 0

    def request(member: str | None, path: str, body: dict) -> dict:
        headers = {"Authorization": f"Bearer {tokens[member]}"} if member else {}
        label = invocations.label("web")
        began = perf_counter()
        with _labelled(_CALLER, label):
            response = client.post(path, json=body, headers=headers)
        invocations.all.append(Invocation("web", _STEP.get(), label, perf_counter() - began, True))
        if response.status_code >= 300:
            raise RuntimeError(f"{path}: {response.status_code} {response.get_data(as_text=True)}")
        return response.get_json()

    def act(member: str, action: str, body: dict) -> dict:
        return request(member, f"/api/v1/tickets/{number}/{action}", body)

    @contextlib.contextmanager
    def step(name: str, *, hold: tuple[str, ...] = ()) -> Iterator[None]:
        with _labelled(_STEP, prefix + name):
            yield
            stack.held = set(hold)
            try:
                stack.settle()
            finally:
                stack.held = set()
        seen.setdefault("statuses", {})[name] = stack_ticket(stack, number).status.value

    with step("file", hold=("triage",)):  # the acknowledgement first, triage on its own
        number = request(None, "/api/v1/tickets", ticket_body(start))["id"]
    with step("triage"):
        pass  # what filing queued for triage
    with step("assign"):
        act("mira", "assign", {"owner": "priya"})
    with step("update"):
        eta = (start.date() + timedelta(days=7)).isoformat()
        act("priya", "update", {"message": "The disks are ordered.", "eta": eta, "public": True})
    with step("postpone"):
        reason = "Waiting for the delivery"
        act("priya", "postpone", {"until": until.isoformat(), "reason": reason, "public": True})
    with step("wake"):
        stack.clock.set(until.astimezone(UTC) + timedelta(minutes=1))  # the scheduler wakes it
    with step("resolve"):
        summary = "The share is mounted; last night's export ran."
        act("priya", "resolve", {"checked": [0, 1], "summary": summary})
    with step("close"):
        act("priya", "close", {})
    seen["ticket"] = number
    return seen


def stack_ticket(stack, number: int):
    from services.adapters.bootstrap import container

    with _labelled(_STEP, "check"), _labelled(_CALLER, "check"):
        return container().tickets.get(number)


# -- what each request costs, and why it is made -------------------------------------------------


@dataclass
class Line:
    """One billed quantity: a request, capacity units, a mail, an invocation."""

    step: str
    category: str
    service: str  # dynamodb | sqs | ses | lambda | http-api | free
    requests: int = 0
    rru: float = 0.0
    wru: float = 0.0  # table
    gsi_wru: float = 0.0
    gsi_by_index: dict[str, int] = field(default_factory=dict)
    floor: bool = False
    operation: str = ""
    caller: str = ""
    fixed: bool = False  # a cost of running at all, not of a ticket


# Why a request is made. Labels used in the report and the JSON.
C = {
    "floor_tx": "state change: ticket + event, one TransactWriteItems (the floor)",
    "wip": "WIP counter item in the same transaction",
    "counter": "ticket-number counter UpdateItem (filing)",
    "token": "staff token GetItem (every API request)",
    "read_before": "read the ticket before the change (GetItem, consistent)",
    "api_history": "API answer: the history Query after each action (consistent)",
    "triage_wip": "triage: WIP counters BatchGetItem (routing)",
    "ack_tx": "acknowledgement: a second transaction (ticket + event) after filing",
    "notify_get": "notify: read the ticket for each event (also events that mail nobody)",
    "ledger_claim": "mail ledger claim PutItem (one per mail)",
    "ledger_sent": "mail ledger mark_sent UpdateItem (one per mail)",
    "replan_get": "scheduler re-plan after a status change: GetItem",
    "replan_history": "scheduler re-plan after a status change: history Query",
    "replan_tx": "scheduler re-plan after a status change: ticket Put (housekeeping tx)",
    "fire_reads": "scheduler wake: GetItem + history Query before firing",
    "due_query": "scheduler minute job: due Query (every minute, tickets or not)",
    "relay_sqs": "relay: SendMessageBatch to the triage / notify queues",
    "esm_sqs": "Lambda's SQS polling for a batch: ReceiveMessage + DeleteMessageBatch",
    "idle_sqs": "empty ReceiveMessage (Lambda long-polls every queue all the time)",
    "streams": "Lambda's stream polling: GetRecords, GetShardIterator, DescribeStream",
    "mail": "mails (SES SendEmail, one recipient each)",
    "lambda_web": "Lambda: web function, one invocation per API request",
    "lambda_fn": "Lambda: relay, triage, notify invocations",
    "lambda_sched": "Lambda: scheduler runs (every minute anyway: fixed)",
    "http_api": "API Gateway HTTP API requests",
    "other": "other",
}


def reason(category: str) -> str:
    if category.startswith("gsi:"):
        return f"GSI writes of: {reason(category[4:])}"
    return C.get(category, category)


def _kind_of_caller(caller: str) -> str:
    return caller.partition("#")[0]


def _pk(t: Touched) -> str:
    return t.key.get("pk", {}).get("S", "")


def _sk(t: Touched) -> str:
    return t.key.get("sk", {}).get("S", "")


def _event_kind(t: Touched) -> str:
    image = t.after or {}
    return image.get("kind", {}).get("S", "")


def dynamodb_lines(
    call: Call, indexes: list[Index], table_keys: tuple[str, ...], scheduler_did: dict[str, str]
) -> list[Line]:
    """What one DynamoDB request is billed, split by why each part of it is there."""
    op, who = call.operation, _kind_of_caller(call.caller)
    mk = lambda cat, **kw: Line(  # noqa: E731
        call.step, cat, "dynamodb", operation=op, caller=call.caller, **kw
    )
    lines: list[Line] = []
    did = scheduler_did.get(call.caller, "")

    def read_category(t: Touched | None) -> str:
        if who == "web":
            if op == "Query":
                return "api_history"
            return "token" if t is not None and _pk(t).startswith("STAFF#") else "read_before"
        if who == "triage":
            return "triage_wip" if op == "BatchGetItem" else "read_before"
        if who == "notify":
            return "notify_get"
        if who == "scheduler":
            if op == "Query" and call.request.get("IndexName"):
                return "due_query"
            if did == "fired":
                return "fire_reads"
            return "replan_history" if op == "Query" else "replan_get"
        return "other"

    if op == "Query":
        nbytes = sum(item_bytes(i) for i in call.response.get("Items", []))
        consistent = bool(call.request.get("ConsistentRead"))
        cat = read_category(None)
        lines.append(
            mk(
                cat,
                requests=1,
                rru=read_units(nbytes, consistent=consistent),
                fixed=cat == "due_query",
            )
        )
        return lines
    if op == "GetItem":
        t = call.touched[0]
        nbytes = item_bytes(t.before) if t.before else 0
        lines.append(
            mk(read_category(t), requests=1, rru=read_units(nbytes, consistent=t.consistent))
        )
        return lines
    if op == "BatchGetItem":
        rru = sum(
            read_units(item_bytes(t.before) if t.before else 0, consistent=t.consistent)
            for t in call.touched
        )
        lines.append(mk(read_category(None), requests=1, rru=rru))
        return lines
    if op not in _WRITE_OPS:
        lines.append(mk("other", requests=1))
        return lines

    transactional = op == "TransactWriteItems"
    events = [t for t in call.touched if _sk(t).startswith("EVENT#")]
    is_floor = (
        transactional
        and who in ("web", "triage", "scheduler")
        and any(_event_kind(t) in FLOOR_EVENT_KINDS for t in events)
    )

    def item_category(t: Touched) -> str:
        pk, sk = _pk(t), _sk(t)
        if pk.startswith("MEMBER#"):
            return "wip"
        if pk == "COUNTER":
            return "counter"
        if sk.startswith("MAIL#"):
            return "ledger_claim" if t.op == "Put" else "ledger_sent"
        if transactional and who == "notify":
            return "ack_tx"
        if transactional and who == "scheduler" and not events:
            return "replan_tx"
        if is_floor:
            return "floor_tx"
        return "other"

    for i, t in enumerate(call.touched):
        cat = item_category(t)
        size = max(item_bytes(t.before or {}), item_bytes(t.after or {}))
        if t.op == "ConditionCheck":
            wru = write_units(item_bytes(t.before or {}), transactional=True)
        elif call.failed:
            wru = write_units(item_bytes(t.before or {}), transactional=transactional)
        else:
            wru = write_units(size, transactional=transactional)
        # The request counts once, on its first item's category (the ticket, in a transaction).
        lines.append(mk(cat, requests=int(i == 0), wru=wru, floor=cat == "floor_tx"))
        if not call.failed and t.op != "ConditionCheck":
            per_index = index_writes(t.before, t.after, indexes, table_keys)
            if per_index:
                lines.append(
                    mk(f"gsi:{cat}", gsi_wru=sum(per_index.values()), gsi_by_index=per_index)
                )
    return lines


def all_lines(
    calls: list[Call],
    invocations: list[Invocation],
    indexes: list[Index],
    table_keys: tuple[str, ...],
    memory_mb: int,
) -> tuple[list[Line], dict[str, float]]:
    """Every billed quantity of the measured steps, and the Lambda GB-seconds per step."""
    did = {i.label: i.did for i in invocations if i.function == "scheduler"}
    lines: list[Line] = []
    for call in calls:
        if call.step not in STEPS:
            continue
        who = _kind_of_caller(call.caller)
        if call.service == "dynamodb":
            lines.extend(dynamodb_lines(call, indexes, table_keys, did))
        elif call.service == "streams":
            lines.append(Line(call.step, "streams", "free", requests=1, operation=call.operation))
        elif call.service == "sqs":
            if who == "relay":
                cat = "relay_sqs"
            elif call.operation == "ReceiveMessage" and not call.response.get("Messages"):
                cat = "idle_sqs"
            else:
                cat = "esm_sqs"
            lines.append(
                Line(
                    call.step,
                    cat,
                    "sqs",
                    requests=1,
                    operation=call.operation,
                    caller=call.caller,
                    fixed=cat == "idle_sqs",
                )
            )
        elif call.service in ("sesv2", "ses") and call.operation.startswith("Send"):
            n = len(call.request.get("Destination", {}).get("ToAddresses", [])) or 1
            lines.append(
                Line(call.step, "mail", "ses", requests=n, operation=call.operation, floor=True)
            )
        else:
            lines.append(
                Line(call.step, "other", call.service, requests=1, operation=call.operation)
            )
    gb_s: dict[str, float] = defaultdict(float)
    for inv in invocations:
        if inv.step not in STEPS or not inv.billed:
            continue
        if inv.function == "web":
            cat = "lambda_web"
            lines.append(Line(inv.step, "http_api", "http-api", requests=1))
        elif inv.function == "scheduler":
            cat = "lambda_sched"  # runs every minute anyway: its invocations are fixed
        else:
            cat = "lambda_fn"
        fixed = cat == "lambda_sched"
        lines.append(Line(inv.step, cat, "lambda", requests=1, operation=inv.function, fixed=fixed))
        if inv.function != "scheduler" or inv.did != "idle":  # the work a ticket adds
            gb_s[inv.step] += math.ceil(inv.seconds * 1000) / 1000 * memory_mb / 1024
    return lines, dict(gb_s)


# -- summing up ---------------------------------------------------------------------------------


def dollars(lines: list[Line], gb_s: float = 0.0) -> dict[str, float]:
    """The bill of `lines` (per unit of what they stand for), by price line."""
    p = {k: v[0] for k, v in PRICES.items()}
    out = {
        "dynamodb_wru": sum(ln.wru + ln.gsi_wru for ln in lines) * p["dynamodb_wru"],
        "dynamodb_rru": sum(ln.rru for ln in lines) * p["dynamodb_rru"],
        "sqs_request": sum(ln.requests for ln in lines if ln.service == "sqs") * p["sqs_request"],
        "ses_email": sum(ln.requests for ln in lines if ln.service == "ses") * p["ses_email"],
        "lambda_request": sum(ln.requests for ln in lines if ln.service == "lambda")
        * p["lambda_request"],
        "lambda_gb_s": gb_s * p["lambda_gb_s"],
        "http_api_request": sum(ln.requests for ln in lines if ln.service == "http-api")
        * p["http_api_request"],
    }
    out["total"] = sum(out.values())
    return out


def floor_lines(lines: list[Line]) -> list[Line]:
    """The floor: per state change one TransactWriteItems of the ticket and its event (their
    table write units at our item sizes; no index, no read), and the mails the flow must send."""
    return [ln for ln in lines if ln.floor]


def _ops(lines: list[Line]) -> Counter[str]:
    short = {
        "GetItem": "Get",
        "PutItem": "Put",
        "UpdateItem": "Upd",
        "Query": "Query",
        "BatchGetItem": "BatchGet",
        "TransactWriteItems": "TxW",
    }
    out: Counter[str] = Counter()
    for ln in lines:
        if ln.service == "dynamodb" and ln.requests:
            out[short.get(ln.operation, ln.operation)] += ln.requests
    return out


def _fmt_ops(ops: Counter[str]) -> str:
    order = ["TxW", "Put", "Upd", "Get", "BatchGet", "Query"]
    keys = [k for k in order if k in ops] + sorted(k for k in ops if k not in order)
    return " ".join(f"{k} {ops[k]}" for k in keys) or "-"


def step_rows(lines: list[Line], gb_s: dict[str, float]) -> list[dict[str, Any]]:
    rows = []
    for step in [*STEPS, "total"]:
        mine = [ln for ln in lines if (step == "total" or ln.step == step) and not ln.fixed]
        floor = floor_lines(mine)
        step_gb_s = sum(gb_s.values()) if step == "total" else gb_s.get(step, 0.0)
        rows.append(
            {
                "step": step,
                "dynamodb_requests": sum(ln.requests for ln in mine if ln.service == "dynamodb"),
                "dynamodb_by_kind": dict(_ops(mine)),
                "rru": sum(ln.rru for ln in mine),
                "wru_table": sum(ln.wru for ln in mine),
                "wru_gsi": sum(ln.gsi_wru for ln in mine),
                "sqs_product": sum(
                    ln.requests for ln in mine if ln.service == "sqs" and ln.category == "relay_sqs"
                ),
                "sqs_lambda_polling": sum(
                    ln.requests for ln in mine if ln.service == "sqs" and ln.category == "esm_sqs"
                ),
                "ses_mails": sum(ln.requests for ln in mine if ln.service == "ses"),
                "lambda_invocations": sum(ln.requests for ln in mine if ln.service == "lambda"),
                "lambda_gb_s": round(step_gb_s, 4),
                "http_api_requests": sum(ln.requests for ln in mine if ln.service == "http-api"),
                "free_stream_requests": sum(ln.requests for ln in mine if ln.service == "free"),
                "floor": {
                    "transactions": sum(ln.requests for ln in floor if ln.service == "dynamodb"),
                    "wru": sum(ln.wru for ln in floor),
                    "mails": sum(ln.requests for ln in floor if ln.service == "ses"),
                    "expected_mails": sum(FLOOR_MAILS.values())
                    if step == "total"
                    else FLOOR_MAILS[step],
                },
                "usd_per_1000": {
                    "ours": 1000 * dollars(mine, step_gb_s)["total"],
                    "ours_without_lambda_duration": 1000 * dollars(mine)["total"],
                    "floor": 1000 * dollars(floor)["total"],
                },
            }
        )
    return rows


def above_floor(lines: list[Line], gb_s_total: float) -> list[dict[str, Any]]:
    """What we pay beyond the floor, by reason, most expensive first."""
    by: dict[str, list[Line]] = defaultdict(list)
    for ln in lines:
        if not ln.floor and not ln.fixed:
            by[ln.category].append(ln)
    rows = []
    for cat, group in by.items():
        # Streams reads by Lambda are free; Lambda's GB-s are a line of their own below.
        cost = 0.0 if cat == "streams" else dollars(group)["total"]
        rows.append(
            {
                "reason": reason(cat),
                "category": cat,
                "service": group[0].service,
                "requests": sum(ln.requests for ln in group),
                "rru": sum(ln.rru for ln in group),
                "wru": sum(ln.wru + ln.gsi_wru for ln in group),
                "steps": sorted({ln.step for ln in group}, key=_step_order),
                "usd_per_1000": 1000 * cost,
                "gsi_by_index": _sum_dicts(ln.gsi_by_index for ln in group),
            }
        )
    rows.append(
        {
            "reason": "Lambda duration (GB-s at the configured memory, measured on the emulator)",
            "category": "lambda_gb_s",
            "service": "lambda",
            "requests": 0,
            "rru": 0.0,
            "wru": 0.0,
            "steps": list(STEPS),
            "usd_per_1000": 1000 * gb_s_total * PRICES["lambda_gb_s"][0],
            "gsi_by_index": {},
        }
    )
    rows.sort(key=lambda r: -r["usd_per_1000"])
    return rows


def _sum_dicts(dicts) -> dict[str, int]:
    out: Counter[str] = Counter()
    for d in dicts:
        out.update(d)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _step_order(step: str) -> int:
    return STEPS.index(step) if step in STEPS else len(STEPS)


def by_caller(calls: list[Call]) -> dict[str, dict[str, int]]:
    """Every request of the measured steps, by who made it and what it was (billed or not)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for c in calls:
        if c.step in STEPS:
            out[_kind_of_caller(c.caller)][f"{c.service}:{c.operation}"] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def moto_capacity(calls: list[Call], lines: list[Line]) -> dict[str, Any]:
    """What moto answered to ReturnConsumedCapacity=TOTAL, against the computed units."""
    answered: dict[str, list[float]] = defaultdict(list)
    missing: Counter[str] = Counter()
    for c in calls:
        if c.step not in STEPS or c.service != "dynamodb" or c.operation not in _CAPACITY_OPS:
            continue
        cap = c.response.get("ConsumedCapacity")
        if cap == []:
            missing[c.operation] += 1  # an empty list: no figure at all
        elif isinstance(cap, list):
            answered[c.operation].append(sum(x.get("CapacityUnits", 0) for x in cap))
        elif isinstance(cap, dict):
            answered[c.operation].append(cap.get("CapacityUnits", 0))
        else:
            missing[c.operation] += 1
    measured = [ln for ln in lines if ln.service == "dynamodb"]
    return {
        "moto_units_by_operation": {
            op: {"requests": len(v), "units": sum(v), "distinct_answers": sorted(set(v))}
            for op, v in sorted(answered.items())
        },
        "moto_no_consumed_capacity": dict(sorted(missing.items())),
        "moto_total": sum(sum(v) for v in answered.values()),
        "computed_total": sum(ln.rru + ln.wru + ln.gsi_wru for ln in measured),
    }


def gsi_units_if(calls: list[Call], indexes: list[Index], table_keys: tuple[str, ...]) -> int:
    """The GSI write units of the measured steps' writes under other index definitions."""
    return sum(
        sum(index_writes(t.before, t.after, indexes, table_keys).values())
        for c in calls
        if c.step in STEPS
        and c.service == "dynamodb"
        and c.operation in _WRITE_OPS
        and not c.failed
        for t in c.touched
        if t.op != "ConditionCheck"
    )


def item_sizes(calls: list[Call]) -> dict[str, int]:
    """The largest ticket and event items of the run (bytes, as DynamoDB counts them)."""
    sizes: dict[str, int] = {}
    for c in calls:
        for t in c.touched:
            image = t.after or t.before
            if not image:
                continue
            sk = _sk(t)
            kind = (
                "ticket"
                if sk == "META" and _pk(t).startswith("TICKET#")
                else "event"
                if sk.startswith("EVENT#")
                else "mail ledger"
                if sk.startswith("MAIL#")
                else None
            )
            if kind:
                sizes[kind] = max(sizes.get(kind, 0), item_bytes(image))
    return sizes


# -- output -------------------------------------------------------------------------------------


def _num(x: float) -> str:
    return f"{x:g}" if x != int(x) else f"{int(x)}"


def steps_table(rows: list[dict[str, Any]]) -> str:
    head = [
        "step",
        "DynamoDB requests (ours)",
        "RRU",
        "WRU table+GSI",
        "floor: TxW / WRU",
        "SQS relay+Lambda",
        "mails (floor)",
        "Lambda inv.",
        "free stream reads",
        "$/1,000 tickets* ours (floor)",
    ]
    body = []
    for r in rows:
        f = r["floor"]
        body.append(
            [
                r["step"],
                f"{r['dynamodb_requests']}: {_fmt_ops(Counter(r['dynamodb_by_kind']))}",
                _num(r["rru"]),
                f"{_num(r['wru_table'])}+{_num(r['wru_gsi'])}",
                f"{f['transactions']} / {_num(f['wru'])}",
                f"{r['sqs_product']}+{r['sqs_lambda_polling']}",
                f"{r['ses_mails']} ({f['expected_mails']})",
                str(r["lambda_invocations"]),
                str(r["free_stream_requests"]),
                f"{r['usd_per_1000']['ours_without_lambda_duration']:.4f} "
                f"({r['usd_per_1000']['floor']:.4f})",
            ]
        )
    return _render(head, body) + (
        "\n* without Lambda GB-s (deterministic); Lambda inv.: web, relay (the stream filter's "
        "matches only), triage, notify (the scheduler runs every minute anyway: fixed)"
    )


def cost_table(lines: list[Line], gb_s: float, tickets: int = 1000) -> str:
    mine = [ln for ln in lines if not ln.fixed]
    floor = floor_lines(mine)
    ours_d, floor_d = dollars(mine, gb_s), dollars(floor)
    quantities = {
        "dynamodb_wru": (
            sum(ln.wru + ln.gsi_wru for ln in mine),
            sum(ln.wru for ln in floor),
            "WRU",
        ),
        "dynamodb_rru": (sum(ln.rru for ln in mine), 0, "RRU"),
        "sqs_request": (sum(ln.requests for ln in mine if ln.service == "sqs"), 0, "requests"),
        "ses_email": (
            sum(ln.requests for ln in mine if ln.service == "ses"),
            sum(ln.requests for ln in floor if ln.service == "ses"),
            "mails",
        ),
        "lambda_request": (
            sum(ln.requests for ln in mine if ln.service == "lambda"),
            0,
            "invocations",
        ),
        "lambda_gb_s": (gb_s, 0, "GB-s"),
        "http_api_request": (
            sum(ln.requests for ln in mine if ln.service == "http-api"),
            0,
            "requests",
        ),
    }
    head = ["what", "price", "per ticket ours", "floor", f"$ per {tickets:,} ours", "floor"]
    body = []
    for key, (ours, fl, unit) in quantities.items():
        body.append(
            [
                key,
                PRICES[key][1],
                f"{ours:,.4g} {unit}",
                f"{fl:,.4g}",
                f"{tickets * ours_d[key]:.5f}",
                f"{tickets * floor_d[key]:.5f}",
            ]
        )
    body.append(
        [
            "total",
            "",
            "",
            "",
            f"{tickets * ours_d['total']:.5f}",
            f"{tickets * floor_d['total']:.5f}",
        ]
    )
    counted = ours_d["total"] - ours_d["lambda_gb_s"]
    body.append(["total without GB-s", "(deterministic)", "", "", f"{tickets * counted:.5f}", ""])
    return _render(head, body)


def above_table(rows: list[dict[str, Any]]) -> str:
    head = ["above the floor: why", "requests", "RRU", "WRU", "steps", "$/1,000 tickets"]
    body = [
        [
            r["reason"],
            str(r["requests"]),
            _num(r["rru"]),
            _num(r["wru"]),
            ",".join(r["steps"]) if len(r["steps"]) < len(STEPS) else "all",
            f"{r['usd_per_1000']:.5f}",
        ]
        for r in rows
    ]
    return _render(head, body)


def caller_table(callers: dict[str, dict[str, int]]) -> str:
    head = ["who", "requests to the emulator (all, billed or not)"]
    body = [[who, ", ".join(f"{k} {v}" for k, v in ops.items())] for who, ops in callers.items()]
    return _render(head, body)


MINUTES_PER_MONTH = 30 * 24 * 60
# Lambda's SQS pollers long-poll (20 s) each queue all the time; AWS does not publish how many
# poll an idle queue: estimated here as 5, i.e. 15 ReceiveMessage a minute per queue.
IDLE_POLLS_PER_QUEUE_MINUTE = 15
QUEUES_WITH_LAMBDA = ("triage", "notify", "inbound", "webhooks")


def fixed_per_month(calls: list[Call], invocations: list[Invocation], memory_mb: int) -> dict:
    """What runs whether or not tickets come: the minute job (its due Query and invocation,
    at the measured idle duration) and Lambda's idle polling of each queue."""
    idle = sorted(i.seconds for i in invocations if i.function == "scheduler" and i.did == "idle")
    idle_ms = 1000 * idle[len(idle) // 2] if idle else 0.0
    due = [
        line
        for c in calls
        if c.step in STEPS
        and _kind_of_caller(c.caller) == "scheduler"
        and c.operation == "Query"
        and c.request.get("IndexName")
        for line in dynamodb_lines(c, [], (), {})
    ]
    rru_per_run = (sum(ln.rru for ln in due) / len(due)) if due else 0.5
    p = {k: v[0] for k, v in PRICES.items()}
    runs = MINUTES_PER_MONTH
    polls = IDLE_POLLS_PER_QUEUE_MINUTE * MINUTES_PER_MONTH * len(QUEUES_WITH_LAMBDA)
    gb_s = runs * math.ceil(idle_ms) / 1000 * memory_mb / 1024
    items = {
        "scheduler invocations": runs * p["lambda_request"],
        "scheduler GB-s": gb_s * p["lambda_gb_s"],
        "scheduler due Query": runs * rru_per_run * p["dynamodb_rru"],
        "SQS idle long polls (estimate)": polls * p["sqs_request"],
    }
    return {
        "minute_job_runs": runs,
        "idle_run_ms": round(idle_ms, 1),
        "due_query_rru": rru_per_run,
        "idle_sqs_polls": polls,
        "usd": items,
        "usd_total": sum(items.values()),
    }


def _handler_ms(invocations: list[Invocation], prefix: str) -> dict[str, float]:
    """Handler wall time by function over one life-cycle's steps (scheduler: working runs)."""
    out: dict[str, float] = defaultdict(float)
    for i in invocations:
        if i.step in [prefix + s for s in STEPS] and i.billed and i.did != "idle":
            out[i.function] += 1000 * i.seconds
    return dict(out)


def _memory_mb() -> int:
    """provider.memorySize of serverless.yml (every function here but reports uses it)."""
    from services.adapters.settings import PROJECT_ROOT

    with contextlib.suppress(OSError):
        text = (PROJECT_ROOT / "serverless.yml").read_text(encoding="utf-8")
        found = re.search(r"^provider:\n(?:(?:  .*)?\n)*?  memorySize: (\d+)", text, re.M)
        if found:
            return int(found.group(1))
    return DEFAULT_MEMORY_MB


LEGEND = """\
Counted at the emulator's WSGI app: every request, by service and operation, labelled with the
step and the function that made it. Billed as AWS bills: DynamoDB on-demand by request units
(computed, see below), SQS per request (the relay's sends and Lambda's event-source polling
that fetched a batch: ReceiveMessage + DeleteMessageBatch; SQS bills Lambda's polls like any
client's), SES per mail, Lambda per invocation and GB-s, API Gateway per request. Not billed:
DynamoDB Streams reads by Lambda triggers (GetRecords etc.), relay invocations the stream
filter (serverless.yml: INSERTs of EVENT#/INBOX# only) would have dropped.
Fixed, not per ticket (left out of the per-ticket figures): the scheduler's due Query and
invocation every minute, and Lambda's empty long polls of each queue (about 5 pollers x 3 a
minute each on AWS: ~650,000 ReceiveMessage a month per queue, ~$0.26/queue/month; here the
pumps' empty receives).
Capacity units (not moto's, which are constants; see "moto" below): write 1 WRU per KB started
of the larger of the item's before and after images, x2 in TransactWriteItems; read 1 RRU per
4 KB started of the item (GetItem, BatchGetItem per item) or of all a Query read, x0.5 when
eventually consistent (GSI queries always); a missing item costs the minimum. GSIs: per index
the item is in before or after, 1 WRU per KB started of its index entry (a changed index key:
a delete and a put; unchanged entry: nothing), not doubled by transactions. Item size:
attribute names + values (numbers ~1 byte per 2 digits, lists and maps 3 + 1 per element).
The floor (issue 7): one TransactWriteItems of ticket + event per state change (8), at our
item sizes, and the mails the flow must send; no read, no index, no queue, no Lambda.
Lambda GB-s: handler wall time on the emulator x memorySize, rounded up to 1 ms per
invocation: not deterministic, shown apart ("without Lambda duration" in the JSON)."""


def run() -> dict[str, Any]:
    """Run the life-cycle once, print the tables; returns the JSON-ready results."""
    from infra.local.cfn import load_template

    started = datetime.now(UTC)
    t0 = perf_counter()
    table_keys, indexes = indexes_from_template(load_template())
    memory_mb = _memory_mb()
    log("lifecycle: one ticket, file -> close, on the embedded stack (pumps stepped in order)")
    with _isolated_process_state(), _caller_headers():
        stack = _stack_class()(port=0)
        try:
            stack.start_emulator()
            stack.create_resources()
            app = stack.app()  # first: it gives the container the stack's clock
            tokens = stack.issue_staff_tokens()
            stack.start_pumps()
            stack._wait_idle(0)  # the setup's own stream records (staff tokens)
            # The shards are known now and moto never splits them: no DescribeStream every
            # 5 s of wall time (free anyway, but it would make the counts vary run to run).
            stack._named["stream"]._next_shard_check = math.inf
            # A warm-up ticket first: the measured one meets warm functions (botocore clients
            # built, modules imported), as most tickets do on AWS.
            warm = drive(stack, app, tokens, prefix=WARMUP)
            seen = drive(stack, app, tokens) | {"warm_up_ticket": warm["ticket"]}
        finally:
            stack.stop()
    calls = stack.counter.calls if stack.counter else []
    invocations = stack.invocations.all
    lines, gb_s = all_lines(calls, invocations, indexes, table_keys, memory_mb)
    rows = step_rows(lines, gb_s)
    gb_s_total = sum(gb_s.values())
    above = above_floor(lines, gb_s_total)
    callers = by_caller(calls)
    moto = moto_capacity(calls, lines)
    cold, warm_ms = _handler_ms(invocations, WARMUP), _handler_ms(invocations, "")
    fixed = fixed_per_month(calls, invocations, memory_mb)
    keys_only = gsi_units_if(
        calls, [replace(i, projection="KEYS_ONLY") for i in indexes], table_keys
    )
    sizes = item_sizes(calls)
    host = machine()
    statuses = seen.get("statuses", {})

    print()
    print(
        f"Ticket life-cycle: AWS requests and cost (one ticket #{seen['ticket']}; statuses after "
        f"each step: {', '.join(f'{k} {v}' for k, v in statuses.items())}). "
        f"Prices {PRICES_AS_OF}. {host['cpu']}, moto {host['packages']['moto']}, "
        f"{started:%Y-%m-%d}"
    )
    print(steps_table(rows))
    print()
    print(cost_table(lines, gb_s_total))
    print()
    print(above_table(above))
    print()
    gsi = _sum_dicts(r["gsi_by_index"] for r in above)
    print(
        f"GSI WRU by index: {', '.join(f'{k} {v}' for k, v in gsi.items())} (in all "
        f"{sum(gsi.values())}); were the ticket's ALL indexes KEYS_ONLY: {keys_only} in all. "
        f"Largest items (bytes): {', '.join(f'{k} {v}' for k, v in sizes.items())}."
    )
    none = moto["moto_no_consumed_capacity"]
    print(
        f"moto's answers to ReturnConsumedCapacity=TOTAL: {moto['moto_total']:g} units in all "
        f"(computed here by AWS's rules: {moto['computed_total']:g}); per request, by "
        "operation: "
        + ", ".join(
            f"{op} {v['distinct_answers']} x{v['requests']}"
            for op, v in moto["moto_units_by_operation"].items()
        )
        + (f"; no figure: {', '.join(f'{op} x{n}' for op, n in none.items())}" if none else "")
        + ". Constants: not usable as a bill."
    )
    print(
        "Lambda handler ms, warm-up ticket (cold: clients built) / measured ticket: "
        + ", ".join(
            f"{fn} {cold.get(fn, 0):,.0f} / {warm_ms.get(fn, 0):,.0f}"
            for fn in sorted(set(cold) | set(warm_ms))
        )
    )
    print()
    print(
        f"Fixed, per month, tickets or not: ${fixed['usd_total']:.2f} ("
        + ", ".join(f"{k} ${v:.4f}" for k, v in fixed["usd"].items())
        + f"; {fixed['minute_job_runs']:,} scheduler runs of ~{fixed['idle_run_ms']:.0f} ms, "
        f"{fixed['idle_sqs_polls']:,} empty receives on {len(QUEUES_WITH_LAMBDA)} queues)."
    )
    print()
    print(caller_table(callers))
    print()
    print(LEGEND)
    print(f"Prices: {'; '.join(v[1] for v in PRICES.values())}. {FREE_TIERS}")
    return {
        "name": "lifecycle",
        "date": started.isoformat(timespec="seconds"),
        "machine": host,
        "seconds": round(perf_counter() - t0, 1),
        "prices": {"as_of": PRICES_AS_OF, **{k: v[1] for k, v in PRICES.items()}},
        "setup": {
            "steps": list(STEPS),
            "stack": "infra.local.stack.EmbeddedStack in process; pumps stepped in this thread "
            "(stream, triage, notify, inbound, webhooks) until idle; settle() per step; filing "
            "settled with triage held back",
            "counting": "WSGI middleware inside the emulator's one-at-a-time lock; callers "
            "labelled by a botocore header",
            "capacity_units": "computed from AWS's rules and the emulator's item images; moto's "
            "ConsumedCapacity is a constant per operation",
            "lambda_memory_mb": memory_mb,
            "floor": "one TransactWriteItems (ticket + event) per state change + the required "
            "mails",
            "floor_mails": FLOOR_MAILS,
            **seen,
        },
        "steps": rows,
        "above_floor": above,
        "by_caller": callers,
        "moto_consumed_capacity": moto,
        "item_bytes_max": sizes,
        "fixed_per_month": fixed,
        "handler_ms": {"warm_up_ticket": cold, "measured_ticket": warm_ms},
        "lambda_invocations": [
            {
                "function": i.function,
                "step": i.step,
                "ms": round(1000 * i.seconds, 1),
                "billed": i.billed,
                "records": i.records,
                **({"did": i.did} if i.did else {}),
            }
            for i in invocations
            if i.step in STEPS
        ],
    }


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2, default=str)
