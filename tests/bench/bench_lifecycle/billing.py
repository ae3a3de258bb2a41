"""What each request costs, and why it is made: every billed quantity of the measured steps as
a Line with its reason."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.bench.bench_scheduler.measuring import item_bytes

from .capacity import Index, index_writes, read_units, write_units
from .invocations import Invocation
from .observing import _WRITE_OPS, Call, Touched
from .steps import FLOOR_EVENT_KINDS, STEPS

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
    "read_with_history": "the ticket and its history before the change: one consistent Query",
    "plan_history": "the writer's history Query to plan the timers (a change that moves them)",
    "api_history": "API answer: the history Query after each action (consistent)",
    "triage_wip": "triage: WIP counters BatchGetItem (routing)",
    "ack_tx": "acknowledgement: a second transaction (ticket + event) after filing",
    "notify_get": "notify: read the ticket for each event (also events that mail nobody)",
    "ledger_claim": "mail ledger claim PutItem (one per mail: the claim is the record)",
    "mail_budget": "recipient mail budget: a conditional UpdateItem per automatic outside mail",
    "ledger_release": "mail ledger release DeleteItem (a mail the transport refused)",
    "replan_get": "scheduler re-plan after a status change: GetItem",
    "replan_history": "scheduler re-plan after a status change: history Query",
    "replan_tx": "scheduler re-plan after a status change: ticket Put (housekeeping tx)",
    "fire_reads": "scheduler wake: GetItem + history Query before firing",
    "due_query": "scheduler minute job: due Query (every minute, tickets or not)",
    "relay_sqs": "relay: SendMessageBatch to the triage / notify queues",
    "search_index": "search: the term index the relay keeps from each batch's events",
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


def _line(call: Call, category: str, **kw: Any) -> Line:
    """A DynamoDB line of `call`."""
    return Line(call.step, category, "dynamodb", operation=call.operation, caller=call.caller, **kw)


def _whole_partition(call: Call) -> bool:
    """A Query of a ticket's partition that found the ticket too (get_with_history)."""
    items = call.response.get("Items", [])
    return call.operation == "Query" and any(i.get("sk", {}).get("S") == "META" for i in items)


# Why each caller reads: (the call, the item read when one is, what the scheduler run did).
def _web_read(call: Call, t: Touched | None, did: str) -> str:
    if _whole_partition(call):
        return "read_with_history"
    if call.operation == "Query":
        return "plan_history" if call.before_write else "api_history"
    return "token" if t is not None and _pk(t).startswith("STAFF#") else "read_before"


def _triage_read(call: Call, t: Touched | None, did: str) -> str:
    if _whole_partition(call):
        return "read_with_history"
    if call.operation == "Query":
        return "plan_history"
    return "triage_wip" if call.operation == "BatchGetItem" else "read_before"


def _relay_read(call: Call, t: Touched | None, did: str) -> str:
    return "search_index"


def _notify_read(call: Call, t: Touched | None, did: str) -> str:
    return "notify_get"


def _scheduler_read(call: Call, t: Touched | None, did: str) -> str:
    if call.operation == "Query" and call.request.get("IndexName"):
        return "due_query"
    if _whole_partition(call):
        return "read_with_history"
    if did == "fired":
        return "fire_reads"
    return "replan_history" if call.operation == "Query" else "replan_get"


_READS_BY = {
    "web": _web_read,
    "triage": _triage_read,
    "notify": _notify_read,
    "scheduler": _scheduler_read,
    "relay": _relay_read,
}


def read_category(call: Call, t: Touched | None, did: str) -> str:
    reads = _READS_BY.get(_kind_of_caller(call.caller))
    return reads(call, t, did) if reads else "other"


def _read_line(call: Call, did: str) -> Line:
    """A Query, a GetItem or a BatchGetItem: one request, its read units."""
    if call.operation == "Query":
        nbytes = sum(item_bytes(i) for i in call.response.get("Items", []))
        consistent = bool(call.request.get("ConsistentRead"))
        cat = read_category(call, None, did)
        rru = read_units(nbytes, consistent=consistent)
        return _line(call, cat, requests=1, rru=rru, fixed=cat == "due_query")
    if call.operation == "GetItem":
        t = call.touched[0]
        nbytes = item_bytes(t.before) if t.before else 0
        rru = read_units(nbytes, consistent=t.consistent)
        return _line(call, read_category(call, t, did), requests=1, rru=rru)
    rru = sum(
        read_units(item_bytes(t.before) if t.before else 0, consistent=t.consistent)
        for t in call.touched
    )
    return _line(call, read_category(call, None, did), requests=1, rru=rru)


@dataclass(frozen=True)
class _Write:
    """What a write request is, for the category of each item it touches."""

    who: str
    transactional: bool
    has_events: bool
    is_floor: bool

    @classmethod
    def of(cls, call: Call) -> _Write:
        who = _kind_of_caller(call.caller)
        transactional = call.operation == "TransactWriteItems"
        events = [t for t in call.touched if _sk(t).startswith("EVENT#")]
        is_floor = (
            transactional
            and who in ("web", "triage", "scheduler")
            and any(_event_kind(t) in FLOOR_EVENT_KINDS for t in events)
        )
        return cls(who, transactional, bool(events), is_floor)

    def category(self, t: Touched) -> str:
        pk, sk = _pk(t), _sk(t)
        if self.who == "relay":
            return "search_index"
        if pk.startswith("MEMBER#"):
            return "wip"
        if pk == "COUNTER":
            return "counter"
        if pk.startswith("MAILBUDGET#"):
            return "mail_budget"
        if sk.startswith("MAIL#"):
            return "ledger_claim" if t.op == "Put" else "ledger_release"
        if self.transactional and self.who == "notify":
            return "ack_tx"
        if self.transactional and self.who == "scheduler" and not self.has_events:
            return "replan_tx"
        return "floor_tx" if self.is_floor else "other"


def _item_wru(call: Call, t: Touched, transactional: bool) -> float:
    if t.op == "ConditionCheck":
        return write_units(item_bytes(t.before or {}), transactional=True)
    if call.failed:
        return write_units(item_bytes(t.before or {}), transactional=transactional)
    size = max(item_bytes(t.before or {}), item_bytes(t.after or {}))
    return write_units(size, transactional=transactional)


def _write_lines(call: Call, indexes: list[Index], table_keys: tuple[str, ...]) -> list[Line]:
    """Each item a write touches: its write units, and its index writes."""
    write = _Write.of(call)
    lines: list[Line] = []
    for i, t in enumerate(call.touched):
        cat = write.category(t)
        wru = _item_wru(call, t, write.transactional)
        # The request counts once, on its first item's category (the ticket, in a transaction).
        lines.append(_line(call, cat, requests=int(i == 0), wru=wru, floor=cat == "floor_tx"))
        if not call.failed and t.op != "ConditionCheck":
            per_index = index_writes(t.before, t.after, indexes, table_keys)
            if per_index:
                lines.append(
                    _line(
                        call, f"gsi:{cat}", gsi_wru=sum(per_index.values()), gsi_by_index=per_index
                    )
                )
    return lines


_READ_OPS = frozenset({"Query", "GetItem", "BatchGetItem"})


def dynamodb_lines(
    call: Call, indexes: list[Index], table_keys: tuple[str, ...], scheduler_did: dict[str, str]
) -> list[Line]:
    """What one DynamoDB request is billed, split by why each part of it is there."""
    if call.operation in _READ_OPS:
        return [_read_line(call, scheduler_did.get(call.caller, ""))]
    if call.operation not in _WRITE_OPS:
        return [_line(call, "other", requests=1)]
    return _write_lines(call, indexes, table_keys)


def _sqs_line(call: Call) -> Line:
    if _kind_of_caller(call.caller) == "relay":
        cat = "relay_sqs"
    elif call.operation == "ReceiveMessage" and not call.response.get("Messages"):
        cat = "idle_sqs"
    else:
        cat = "esm_sqs"
    return Line(
        call.step,
        cat,
        "sqs",
        requests=1,
        operation=call.operation,
        caller=call.caller,
        fixed=cat == "idle_sqs",
    )


def _call_lines(
    call: Call, indexes: list[Index], table_keys: tuple[str, ...], did: dict[str, str]
) -> list[Line]:
    if call.service == "dynamodb":
        return dynamodb_lines(call, indexes, table_keys, did)
    if call.service == "streams":
        return [Line(call.step, "streams", "free", requests=1, operation=call.operation)]
    if call.service == "sqs":
        return [_sqs_line(call)]
    if call.service in ("sesv2", "ses") and call.operation.startswith("Send"):
        n = len(call.request.get("Destination", {}).get("ToAddresses", [])) or 1
        return [Line(call.step, "mail", "ses", requests=n, operation=call.operation, floor=True)]
    return [Line(call.step, "other", call.service, requests=1, operation=call.operation)]


def _invocation_lines(
    invocations: list[Invocation], memory_mb: int
) -> tuple[list[Line], dict[str, float]]:
    """The billed invocations of the measured steps, and their GB-seconds per step."""
    lines: list[Line] = []
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


def _mark_before_write(calls: list[Call]) -> None:
    """Which requests each invocation made before its first write (a writer's reads)."""
    wrote: set[str] = set()
    for call in calls:
        if call.service != "dynamodb":
            continue
        call.before_write = call.caller not in wrote
        if call.operation in _WRITE_OPS:
            wrote.add(call.caller)


def all_lines(
    calls: list[Call],
    invocations: list[Invocation],
    indexes: list[Index],
    table_keys: tuple[str, ...],
    memory_mb: int,
) -> tuple[list[Line], dict[str, float]]:
    """Every billed quantity of the measured steps, and the Lambda GB-seconds per step."""
    did = {i.label: i.did for i in invocations if i.function == "scheduler"}
    _mark_before_write(calls)
    lines = [
        line
        for call in calls
        if call.step in STEPS
        for line in _call_lines(call, indexes, table_keys, did)
    ]
    invoked, gb_s = _invocation_lines(invocations, memory_mb)
    return lines + invoked, gb_s
