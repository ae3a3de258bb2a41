"""What the life-cycle benchmark prints: the steps, the cost, what is above the floor, the
callers, and the legend."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.bench.tables import render

from .billing import Line
from .prices import PRICES
from .steps import STEPS
from .summing import _fmt_ops, dollars, floor_lines

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
    return render(head, body) + (
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
    return render(head, body)


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
    return render(head, body)


def caller_table(callers: dict[str, dict[str, int]]) -> str:
    head = ["who", "requests to the emulator (all, billed or not)"]
    body = [[who, ", ".join(f"{k} {v}" for k, v in ops.items())] for who, ops in callers.items()]
    return render(head, body)


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
