"""Summing up: dollars, the floor, each step, what is above the floor and why, the callers,
moto's own capacity figures, item sizes, and what runs every month tickets or not."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from tests.bench.bench_scheduler.measuring import item_bytes

from .billing import Line, _kind_of_caller, _pk, _sk, dynamodb_lines, reason
from .capacity import Index, index_writes
from .invocations import Invocation
from .observing import _CAPACITY_OPS, _WRITE_OPS, Call
from .prices import PRICES
from .steps import FLOOR_MAILS, STEPS

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
