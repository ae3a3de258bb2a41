"""One ticket's life-cycle on the stepped stack, after a warm-up ticket, and `run`."""

from __future__ import annotations

import contextlib
import math
import re
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from tests.bench.host import machine
from tests.bench.progress import log

from .billing import all_lines
from .capacity import indexes_from_template
from .invocations import Invocation
from .observing import _caller_headers
from .prices import FREE_TIERS, PRICES, PRICES_AS_OF
from .stack import _isolated_process_state, _stack_class, drive
from .steps import DEFAULT_MEMORY_MB, FLOOR_MAILS, STEPS, WARMUP
from .summing import (
    QUEUES_WITH_LAMBDA,
    _sum_dicts,
    above_floor,
    by_caller,
    fixed_per_month,
    gsi_units_if,
    item_sizes,
    moto_capacity,
    step_rows,
)
from .tables import LEGEND, above_table, caller_table, cost_table, steps_table


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
