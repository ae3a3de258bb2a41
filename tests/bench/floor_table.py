"""The AWS path against its floor: one table from what this run measured (issue 16's table).

Rows, each with now (measured in this run), the floor and the goal: per ticket life-cycle
(lifecycle), the transactions, DynamoDB requests and write units (also without the search's
term index the relay keeps, which came after the floor and the goal were set: the goals are
judged on those), SQS requests and Lambda
invocations, the cost per 1,000 tickets; per Lambda handler the cold start against the floor
(coldstart); per home filed -> acknowledged and tickets/s (intake). A benchmark this run did
not take leaves its rows out, named on a line of their own.
"""

from __future__ import annotations

from typing import Any

from tests.bench.bench_coldstart.tables import cpu_ms
from tests.bench.tables import render

FLOOR_TX, FLOOR_MAILS, FLOOR_WRU = 8, 9, 48
GOAL_REQUESTS = 19  # a transaction per change, a ledger write per mail, the counter, one read
GOAL_WRU = 2 * FLOOR_WRU
WORKER_GOAL, WEB_GOAL = 1.2, 1.5  # cold start, times the floor (boto3 + pynamodb)
FLOOR_SUBJECT = "boto3 + pynamodb"


def _by_name(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in results}


def _verdict(ok: bool) -> str:
    return "met" if ok else "not met"


def lifecycle_rows(result: dict[str, Any]) -> list[list[str]]:
    total = next(r for r in result["steps"] if r["step"] == "total")
    search = [r for r in result["above_floor"] if r["category"] == "search_index"]
    search_requests = sum(r["requests"] for r in search)
    search_wru = sum(r["wru"] for r in search)
    tx = total["dynamodb_by_kind"].get("TxW", 0)
    requests = total["dynamodb_requests"]
    wru = total["wru_table"] + total["wru_gsi"]
    usd = total["usd_per_1000"]
    return [
        ["TransactWriteItems", str(tx), str(FLOOR_TX), f"{FLOOR_TX}: {_verdict(tx <= FLOOR_TX)}"],
        [
            "DynamoDB requests (without the search index)",
            f"{requests} ({requests - search_requests})",
            f"{FLOOR_TX} + {FLOOR_MAILS} mails",
            f"≤ {GOAL_REQUESTS}: {_verdict(requests - search_requests <= GOAL_REQUESTS)}",
        ],
        [
            "write units, table + indexes (without the search index)",
            f"{wru:g} = {total['wru_table']:g} + {total['wru_gsi']:g} ({wru - search_wru:g})",
            str(FLOOR_WRU),
            f"≤ {GOAL_WRU}: {_verdict(wru - search_wru <= GOAL_WRU)}",
        ],
        [
            "SQS requests, Lambda invocations",
            f"{total['sqs_product'] + total['sqs_lambda_polling']}, {total['lambda_invocations']}",
            "-",
            "per step: the steps table",
        ],
        [
            "$ per 1,000 tickets (without Lambda GB-s)",
            f"{usd['ours']:.3f} ({usd['ours_without_lambda_duration']:.3f})",
            f"{usd['floor']:.3f}",
            "-",
        ],
    ]


def coldstart_rows(result: dict[str, Any]) -> list[list[str]]:
    """Each handler's import + first call in CPU ms against the floor's (the goal's measure:
    steady on a busy machine), the wall ms beside it."""
    rows = result["results"]["modes"][0]["rows"]
    floor = next(r for r in rows if r["subject"] == FLOOR_SUBJECT)
    out = []
    for r in rows:
        if not r["handler"]:
            continue
        goal = WEB_GOAL if r["function"] == "web" else WORKER_GOAL
        times = cpu_ms(r) / cpu_ms(floor)
        out.append(
            [
                f"cold start, import + 1st call (venv): {r['function']}",
                f"{cpu_ms(r):.0f} ms CPU, {times:.2f}× (wall {_wall(r):.0f})",
                f"{cpu_ms(floor):.0f} ms CPU (wall {_wall(floor):.0f})",
                f"≤ {goal}×: {_verdict(times <= goal)}",
            ]
        )
    return out


def _wall(r: dict[str, Any]) -> float:
    return float(r["ms_import_median"] + r["ms_first_call_median"])


def intake_rows(result: dict[str, Any]) -> list[list[str]]:
    out = []
    for r in result["results"]:
        home, clients = r["home"], r["clients"]
        ack = r.get("filed_to_acknowledged_ms") or {}
        out.append(
            [
                f"filed → acknowledged p50, tickets/s: {home}, {clients} client(s)",
                f"{ack.get('p50', float('nan')):,.0f} ms, {r['tickets_per_second']:,.1f}/s",
                "-",
                "-",
            ]
        )
    return out


ROWS = {"lifecycle": lifecycle_rows, "coldstart": coldstart_rows, "intake": intake_rows}


def floor_table(results: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """The table, and its rows for the JSON results."""
    ran = _by_name(results)
    body: list[list[str]] = []
    for name, rows in ROWS.items():
        if name in ran:
            body += rows(ran[name])
    missing = [name for name in ROWS if name not in ran]
    head = ["per ticket life-cycle / per handler / per home", "now", "floor", "goal"]
    text = render(head, body) if body else "(nothing measured)"
    if missing:
        text += f"\nnot measured in this run: {', '.join(missing)} (python -m tests.bench.run)"
    return text, {"name": "floor", "rows": [dict(zip(head, row, strict=True)) for row in body]}
