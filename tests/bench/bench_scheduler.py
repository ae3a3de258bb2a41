"""The scheduler's minute job at 1,000 / 10,000 / 100,000 tickets, of which 20 are due.

Issue 4 asks that the minute job's reads grow with what is due, not with the table. For each
size this loads a fresh table in the AWS emulator (moto, as the tests use it) and measures:

- our read path, `DynamoTicketRepository.due(now)`: one Query of the sparse, KEYS_ONLY timer
  index (items read = the Query's ScannedCount, as DynamoDB bills them);
- the baseline in the same run: the naive Scan of the table with a FilterExpression on
  `timer_at <= now` (items read = ScannedCount, items returned = Count);
- `run_due` end to end with the 20 due timers firing: AWS calls by operation, items read and
  written, wall time and the share of it spent inside AWS calls.

Counts are deterministic and are what DynamoDB charges for. Wall times are the emulator's:
moto evaluates a GSI Query by walking every item of the table and copies the whole table
before each TransactWriteItems, so on moto even our Query's time grows with the table while
its items read do not. The "in calls" split of run_due shows which part is ours.

The table holds, per size: 20 tickets whose wake timer is due at `now` (built through the
domain: filed, triaged, postponed, with their events), 10 % with timers in the future (among
them the later minutes' due groups, so every timed run_due sees a fresh 20), and the rest
finished tickets with no timer.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import random
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from time import perf_counter
from typing import Any

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # the tests' FixedClock default: a Friday
DUE = 20
FUTURE_SHARE = 0.10
SIZES = (1_000, 10_000, 100_000)
SECRET = "bench-secret-" * 4
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


# -- measuring ----------------------------------------------------------------------------------


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values (wire format)."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value: dict[str, Any]) -> int:
    ((kind, v),) = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return (len(v.lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind == "B":
        return len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_bytes(e) for e in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_bytes(e) for k, e in v.items())
    return sum(len(str(e).encode()) for e in v)  # SS / NS / BS


def read_units(nbytes: int, *, consistent: bool = False) -> float:
    """Read capacity for one request that reads `nbytes`: 4 KB units, halved when eventual."""
    units = max(1, math.ceil(nbytes / 4096))
    return units if consistent else units / 2


class Meter:
    """Counts what goes to AWS while active, by wrapping botocore's single entry point (as
    tests/integration/test_aws_calls.py does): calls by operation, items read (Query/Scan
    ScannedCount, items got, condition checks) and written, bytes, and time inside calls."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.read: Counter[str] = Counter()
        self.returned: Counter[str] = Counter()
        self.written: Counter[str] = Counter()
        self.returned_bytes = 0
        self.written_bytes = 0
        self.read_units: Counter[str] = Counter()
        self.seconds = 0.0

    def __enter__(self) -> Meter:
        import botocore.client

        self._original = original = botocore.client.BaseClient._make_api_call
        meter = self

        def metered(client, operation, params):
            start = perf_counter()
            try:
                response = original(client, operation, params)
            finally:
                meter.seconds += perf_counter() - start
            meter.record(operation, params, response)
            return response

        botocore.client.BaseClient._make_api_call = metered
        return self

    def __exit__(self, *exc) -> None:
        import botocore.client

        botocore.client.BaseClient._make_api_call = self._original

    def record(self, op: str, params: dict, response: dict) -> None:
        self.calls[op] += 1
        if op in ("Query", "Scan"):
            nbytes = sum(item_bytes(i) for i in response.get("Items", []))
            self.read[op] += int(response.get("ScannedCount", 0))
            self.returned[op] += int(response.get("Count", 0))
            self.returned_bytes += nbytes
            # Exact only without a filter (then what is read is what is returned).
            self.read_units[op] += read_units(nbytes, consistent=bool(params.get("ConsistentRead")))
        elif op == "GetItem":
            found = "Item" in response
            self.read[op] += 1  # a key lookup costs a read whether or not the item exists
            self.returned[op] += int(found)
            nbytes = item_bytes(response["Item"]) if found else 0
            self.returned_bytes += nbytes
            self.read_units[op] += read_units(nbytes, consistent=bool(params.get("ConsistentRead")))
        elif op == "BatchGetItem":
            items = [i for rows in response.get("Responses", {}).values() for i in rows]
            self.read[op] += len(items)
            self.returned[op] += len(items)
            self.returned_bytes += sum(item_bytes(i) for i in items)
            self.read_units[op] += sum(read_units(item_bytes(i)) for i in items)
        elif op in ("PutItem", "UpdateItem", "DeleteItem"):
            self.written[op] += 1
            self.written_bytes += item_bytes(params.get("Item", {}))
        elif op == "BatchWriteItem":
            for rows in params["RequestItems"].values():
                self.written[op] += len(rows)
                self.written_bytes += sum(
                    item_bytes(r["PutRequest"]["Item"]) for r in rows if "PutRequest" in r
                )
        elif op == "TransactWriteItems":
            for entry in params["TransactItems"]:
                if "ConditionCheck" in entry:
                    self.read[op] += 1
                else:
                    self.written[op] += 1
                    self.written_bytes += item_bytes(entry.get("Put", {}).get("Item", {}))

    def summary(self) -> dict[str, Any]:
        return {
            "calls": dict(sorted(self.calls.items())),
            "items_read": sum(self.read.values()),
            "items_returned": sum(self.returned.values()),
            "items_written": sum(self.written.values()),
            "read_by_operation": dict(sorted(self.read.items())),
            "written_by_operation": dict(sorted(self.written.items())),
            "read_units_est": sum(self.read_units.values()),
            "read_units_est_by_operation": dict(sorted(self.read_units.items())),
            "returned_bytes": self.returned_bytes,
            "written_bytes": self.written_bytes,
        }


class Progress:
    """A percentage line on stderr (no progress-bar library is a dependency of the project)."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0
        self.start = perf_counter()
        self.tty = sys.stderr.isatty()
        self._shown = -1

    def update(self, n: int = 1) -> None:
        self.done += n
        pct = 100 * self.done // max(self.total, 1)
        step = pct if self.tty else pct // 10 * 10  # a line per 10 % when logged to a file
        if step != self._shown:
            self._shown = step
            self._print(pct)

    def _print(self, pct: int) -> None:
        elapsed = perf_counter() - self.start
        line = f"  {self.label}: {pct:3d}% ({self.done:,}/{self.total:,}) {elapsed:6.1f} s"
        if self.tty:
            print(f"\r{line}", end="", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    def close(self) -> float:
        elapsed = perf_counter() - self.start
        if self.tty:
            print(file=sys.stderr, flush=True)
        return elapsed


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Timed:
    """Wall times of repeated runs of one operation, and what the first run did over the wire."""

    seconds: list[float] = field(default_factory=list)
    in_calls: list[float] = field(default_factory=list)
    work: dict[str, Any] = field(default_factory=dict)
    results: list[Any] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            **self.work,
            "runs": len(self.seconds),
            "ms_median": round(1000 * statistics.median(self.seconds), 2),
            "ms_runs": [round(1000 * s, 2) for s in self.seconds],
            "ms_in_calls_median": round(1000 * statistics.median(self.in_calls), 2),
        }


def timed(fn: Callable[[int], Any], runs: int, budget_s: float) -> Timed:
    """Run fn(run index) up to `runs` times (at least once; fewer when over `budget_s`)."""
    out = Timed()
    for i in range(runs):
        with Meter() as meter:
            start = perf_counter()
            out.results.append(fn(i))
            out.seconds.append(perf_counter() - start)
        out.in_calls.append(meter.seconds)
        if i == 0:
            out.work = meter.summary()
        if sum(out.seconds) > budget_s:
            break
    return out


# -- the data -----------------------------------------------------------------------------------


def _requesters(count: int = 200):
    from services.domain.drafts import Requester

    return [Requester(name=f"Requester {i}", email=f"user{i}@example.org") for i in range(count)]


def _base(number: int, created: datetime, requester) -> dict[str, Any]:
    return {
        "number": number,
        "type": "general",
        "title": f"Grant the analytics team a read replica ({number})",
        "requirements": "A MySQL read replica of the wiki database for analytics queries, "
        "sized for a year of growth, with the usual backups and monitoring.",
        "end_state": "Analysts run their queries on the replica, not on production.",
        "acceptance_criteria": ["The replica lags less than 60 s", "Analysts can log in"],
        "capacity_needs": "500 GB, 200 queries/s",
        "security_needs": "Read-only accounts for the analytics group",
        "dependencies": ["Storage order #12"],
        "requester": requester,
        "created_at": created,
        "updated_at": created,
        "status_since": created,
        "acknowledged_at": created + timedelta(minutes=1),
        "token_salt": f"{number:032x}",
        "token_digest": f"{number:064x}",
        "version": 3,
    }


def due_ticket(number: int, wake_at: datetime, requester, flow):
    """A ticket whose wake is due at `wake_at`, built through the domain, with its events."""
    from services.domain import events as ev
    from services.domain import timers
    from services.domain.actors import Actor
    from services.domain.events import Event
    from services.domain.ticket import Ticket
    from services.domain.triage_rules import Complexity

    filed_at = NOW - timedelta(days=2)
    fields = _base(number, filed_at, requester) | {"version": None}
    ticket = Ticket(**fields)
    history = [
        Event(
            number,
            ev.TICKET_FILED,
            filed_at,
            f"requester:{requester.email}",
            True,
            {"source": "api", "type": "general"},
        )
    ]
    triager, owner = flow.member("mira"), flow.member("tomas")
    change = ticket.triage(
        now=filed_at + timedelta(hours=1),
        actor=Actor.staff(triager),
        complexity=Complexity("medium", 3, ("database work",)),
        skills=["mysql"],
        owner=owner,
        routing="rules",
    )
    history.append(change.event)
    change = ticket.postpone(
        now=filed_at + timedelta(hours=2),
        actor=Actor.staff(owner),
        until=wake_at,
        reason="waiting for the storage order",
        public=True,
    )
    history.append(change.event)
    ticket.timers = timers.plan(ticket, history, flow, filed_at + timedelta(hours=2))
    ticket.version = len(history)
    return ticket, history


def build_tickets(n: int, groups: int, flow, seed: int = 4):
    """`groups` groups of DUE tickets due in successive minutes (group 0 at NOW), 10 % with a
    timer in the future (the later groups among them), the rest finished and timer-free."""
    from services.domain.lifecycle import Status
    from services.domain.ticket import Ticket

    rng = random.Random(seed)
    requesters = _requesters()
    numbers = list(range(1, n + 1))
    due_numbers = rng.sample(numbers, DUE * groups)
    future_count = max(round(n * FUTURE_SHARE) - DUE * (groups - 1), 0)
    rest = sorted(set(numbers) - set(due_numbers))
    future_numbers = set(rng.sample(rest, future_count))
    due_at: dict[int, datetime] = {}
    for g in range(groups):  # group g is due in (NOW + (g-1) min, NOW + g min]
        for i, number in enumerate(due_numbers[g * DUE : (g + 1) * DUE]):
            due_at[number] = NOW + timedelta(minutes=g) - timedelta(seconds=i + 1)
    span = timedelta(days=3 * 365)
    tickets, histories = [], {}
    for number in numbers:
        requester = requesters[number % len(requesters)]
        if number in due_at:
            ticket, history = due_ticket(number, due_at[number], requester, flow)
            tickets.append(ticket)
            histories[number] = history
            continue
        created = NOW - span + span * (number / (n + 1)) - timedelta(days=1)
        fields = _base(number, created, requester)
        if number in future_numbers:
            when = NOW + timedelta(hours=rng.randint(1, 240))
            if rng.random() < 0.5:
                fields |= {
                    "status": Status.POSTPONED,
                    "owner": "tomas",
                    "postponed_from": Status.IN_PROGRESS,
                    "postponed_until": when,
                    "timers": {"wake": when},
                }
            else:
                fields |= {
                    "status": Status.IN_PROGRESS,
                    "owner": "priya",
                    "timers": {
                        "sla-warn:resolution": when,
                        "sla-breach:resolution": when + timedelta(hours=16),
                    },
                }
        else:
            fields |= {
                "status": Status.CLOSED,
                "owner": "jonas",
                "status_since": created + timedelta(days=5),
                "updated_at": created + timedelta(days=5),
            }
        tickets.append(Ticket(**fields))
    return tickets, histories


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


def load(models, tickets, histories, method: str = "http") -> dict[str, Any]:
    """Every item through the repository's own mapping (ticket_to_item, event_to_item)."""
    from services.adapters.dynamo import event_to_item, ticket_to_item

    events = [(e, seq) for h in histories.values() for seq, e in enumerate(h, start=1)]
    items = len(tickets) + len(events)
    progress = Progress(f"loading {len(tickets):,} tickets ({method})", items)

    def all_items():
        for ticket in tickets:
            yield ticket_to_item(models, ticket)
        for event, seq in events:
            yield event_to_item(models, event, seq)

    with Meter() as meter:
        if method == "http":
            with models.Ticket.batch_write() as batch:
                for item in all_items():
                    batch.save(item)
                    progress.update()
            nbytes = meter.written_bytes
        elif method == "direct":
            table = _moto_table(models.table_name)
            nbytes = 0
            for item in all_items():
                attrs = item.serialize()
                table.put_item(attrs)
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
    DynamoDBBackend.transact_write_items = scoped.__wrapped__
    try:
        yield
    finally:
        DynamoDBBackend.transact_write_items = scoped


# -- the benchmark ------------------------------------------------------------------------------


def naive_due(models, now: datetime) -> list[int]:
    """The baseline: Scan the whole table, filtering on the timer's time."""
    from services.adapters.dynamo import _utc_iso

    T = models.Ticket
    return [int(i.number) for i in T.scan(T.timer_at <= _utc_iso(now))]


def bench_size(
    n: int, runs: int, flow, budget_s: float, load_method: str, stock_moto: bool
) -> dict[str, Any]:
    from services.adapters.bootstrap import build
    from services.adapters.settings import Settings
    from services.application.timers import SchedulerDeps, run_due
    from tests.fakes import FixedClock

    log(f"N = {n:,}")
    start = perf_counter()
    tickets, histories = build_tickets(n, runs, flow)
    built = perf_counter() - start
    with fresh_stack(f"bench-{n}") as outputs:
        settings = Settings(
            table_name=outputs["TicketsTableName"],
            notify_queue_url=outputs["NotifyQueueUrl"],
            secret_key=SECRET,
        )
        clock = FixedClock(NOW)
        c = build(settings, flow=flow, clock=clock)
        loaded = load(c.models, tickets, histories, load_method)
        loaded["build_tickets_seconds"] = round(built, 2)
        with_timers = sum(1 for t in tickets if t.timers)
        del tickets, histories
        repo = c.tickets
        # Warm up as a warm Lambda would be: pynamodb builds a botocore client per model class
        # and one more for transactions, ~0.1-0.3 s each on first use (a cold-start cost).
        repo.due(NOW)
        repo.history(0)
        c.models.connection.client  # noqa: B018

        log("  due(now): one Query of the timer index")
        query = timed(lambda _: repo.due(NOW), runs, budget_s)
        log("  baseline: Scan of the table with a filter")
        scan = timed(lambda _: naive_due(c.models, NOW), runs, budget_s)
        if sorted(query.results[0]) != sorted(scan.results[0]) or len(query.results[0]) != DUE:
            raise RuntimeError(  # the setup is wrong, not slow: say so rather than report it
                f"due() found {len(query.results[0])}, the scan {len(scan.results[0])}, "
                f"expected {DUE}"
            )

        log(f"  run_due: {DUE} due timers firing, a fresh minute each run")
        deps = SchedulerDeps(tickets=repo, flow=c.flow, clock=clock)

        def one_minute(i: int):
            clock.current = NOW + timedelta(minutes=i)
            return run_due(deps, clock.current)

        with partition_backups(enabled=not stock_moto):
            fired = timed(one_minute, runs, budget_s)
        reports = [
            {"due_tickets": r.due_tickets, "fired": len(r.fired), "replanned": r.replanned}
            for r in fired.results
        ]
    table_bytes = loaded["bytes"]
    scan_summary = scan.summary()
    # A Scan reads (and is billed for) every item of the table, however few its filter keeps.
    # The Meter can only see the bytes a Scan returns: estimate from the table's bytes instead.
    scan_summary.pop("read_units_est_by_operation", None)
    scan_summary["read_units_est"] = sum(read_units(page) for page in _pages(table_bytes))
    run_due_summary = fired.summary() | {"reports": reports}
    own = [t - c for t, c in zip(fired.seconds, fired.in_calls, strict=True)]
    run_due_summary["ms_outside_calls_median"] = round(1000 * statistics.median(own), 2)
    return {
        "tickets": n,
        "due": DUE,
        "tickets_with_timers": with_timers,
        "table_items": loaded["items"],
        "table_bytes": table_bytes,
        "load": loaded,
        "query": query.summary(),
        "scan": scan_summary,
        "run_due": run_due_summary,
    }


def _pages(nbytes: int, page: int = 1_000_000) -> list[int]:
    full, last = divmod(nbytes, page)
    return [page] * full + ([last] if last else [])


# -- output -------------------------------------------------------------------------------------

SHORT = {"GetItem": "Get", "TransactWriteItems": "TxWrite", "BatchGetItem": "BatchGet"}


def _calls(calls: dict[str, int]) -> str:
    return " ".join(f"{SHORT.get(k, k)} {v}" for k, v in sorted(calls.items()))


def table(results: list[dict[str, Any]]) -> str:
    head = [
        "N",
        "due",
        "our Query items read",
        "our Query ms",
        "Scan items read",
        "Scan ms",
        "run_due calls by kind",
        "run_due items read/written",
        "run_due ms",
    ]
    rows = []
    for r in results:
        q, s, d = r["query"], r["scan"], r["run_due"]
        rows.append(
            [
                f"{r['tickets']:,}",
                str(r["due"]),
                f"{q['items_read']:,}",
                f"{q['ms_median']:,.1f}",
                f"{s['items_read']:,} ({s['items_returned']} kept)",
                f"{s['ms_median']:,.0f}",
                _calls(d["calls"]),
                f"{d['items_read']:,} / {d['items_written']:,}",
                f"{d['ms_median']:,.0f}",
            ]
        )
    return _render(head, rows)


def notes_table(results: list[dict[str, Any]]) -> str:
    head = [
        "N",
        "table items",
        "table MB",
        "load",
        "load s",
        "items/s",
        "read units est. Query / Scan",
        "run_due ms outside AWS calls",
        "runs Query/Scan/run_due",
    ]
    rows = [
        [
            f"{r['tickets']:,}",
            f"{r['table_items']:,}",
            f"{r['table_bytes'] / 1e6:,.1f}",
            r["load"]["method"],
            f"{r['load']['seconds']:,.1f}",
            f"{r['load']['items_per_second']:,}",
            f"{r['query']['read_units_est']:g} / {r['scan']['read_units_est']:,g}",
            f"{r['run_due']['ms_outside_calls_median']:,.0f}",
            f"{r['query']['runs']}/{r['scan']['runs']}/{r['run_due']['runs']}",
        ]
        for r in results
    ]
    return _render(head, rows)


LEGEND = """\
items read: what DynamoDB bills a request for (Query/Scan ScannedCount, 1 per GetItem key).
ms: median wall time on moto, not DynamoDB. moto answers a Query by walking every item of
the table and pages a Scan by re-walking it from the start, so on moto even our Query's time
grows with the table while its items read do not.
run_due: {backup}
"run_due ms outside AWS calls" is our own code: the part that is ours to optimise."""


def _render(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    line = " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    rule = "-+-".join("-" * w for w in widths)
    body = [" | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join([line, rule, *body])


def machine() -> dict[str, Any]:
    import platform
    from importlib.metadata import version

    cpu = platform.processor()
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), cpu)
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "packages": {p: version(p) for p in ("moto", "pynamodb", "botocore")},
    }


def run(
    sizes=SIZES,
    runs: int = 5,
    budget_s: float = 60.0,
    load_method: str = "http",
    stock_moto: bool = False,
) -> dict[str, Any]:
    """Benchmark each size in turn, print the tables; returns the JSON-ready results."""
    from services.adapters.flow_file import load_flow
    from services.adapters.settings import PROJECT_ROOT

    flow = load_flow(PROJECT_ROOT / "infra" / "flow.example.yaml")
    started = datetime.now(UTC)
    t0 = perf_counter()
    results = []
    with emulator_env():
        for n in sizes:
            results.append(bench_size(n, runs, flow, budget_s, load_method, stock_moto))
    host = machine()
    backup = (
        "moto as it is, which deep-copies the whole table before each TransactWriteItems."
        if stock_moto
        else "moto's whole-table copy before each TransactWriteItems is replaced by a copy\n"
        "of the partitions the transaction touches (partition_backups; --stock-moto: as is)."
    )
    print()
    print(
        f"Scheduler minute job: {DUE} due among N tickets. {host['cpu']} x{host['cpu_count']}, "
        f"Python {host['python']}, moto {host['packages']['moto']}, "
        f"{started:%Y-%m-%d}"
    )
    print(table(results))
    print()
    print(notes_table(results))
    print()
    print(LEGEND.format(backup=backup))
    return {
        "name": "scheduler",
        "date": started.isoformat(timespec="seconds"),
        "machine": host,
        "seconds": round(perf_counter() - t0, 1),
        "setup": {
            "now": NOW.isoformat(),
            "due": DUE,
            "future_timer_share": FUTURE_SHARE,
            "runs": runs,
            "budget_seconds_per_measurement": budget_s,
            "emulator": "moto server in this process (infra.local.emulator.Emulator), HTTP",
            "load": LOAD_METHODS[load_method],
            "transaction_backup": "stock moto (whole table)"
            if stock_moto
            else "touched partitions only (partition_backups)",
            "items_read": "Query/Scan ScannedCount; 1 per GetItem key; TransactWrite "
            "ConditionChecks",
            "read_units_est": "4 KB units per request, halved when eventually consistent; "
            "Scan: the table's bytes in 1 MB pages",
            "baseline": "Scan of the table, FilterExpression timer_at <= now",
        },
        "results": results,
    }


def parse_sizes(text: str) -> tuple[int, ...]:
    return tuple(int(s.replace("_", "")) for s in text.split(",") if s.strip())
