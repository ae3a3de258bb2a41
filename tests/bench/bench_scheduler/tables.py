"""What the scheduler benchmark prints: the timings per size, the notes, and the legend."""

from __future__ import annotations

from typing import Any

from tests.bench.tables import render

# -- output -------------------------------------------------------------------------------------

SHORT = {"GetItem": "Get", "TransactWriteItems": "TxWrite", "BatchGetItem": "BatchGet"}


def _calls(calls: dict[str, int]) -> str:
    return " ".join(f"{SHORT.get(k, k)} {v}" for k, v in sorted(calls.items()))


def homes_table(results: list[dict[str, Any]]) -> str:
    """The two homes side by side: run_due's time and reads, the due lookup's, per size."""
    head = [
        "N",
        "due",
        "SQLite run_due ms",
        "DynamoDB run_due ms",
        "run_due rows / items read",
        "due() ms SQLite / DynamoDB",
        "due() rows / items read",
        "naive Scan items read",
    ]
    rows = []
    for r in results:
        sq, d, q = r["sqlite"]["run_due"], r["run_due"], r["query"]
        rows.append(
            [
                f"{r['tickets']:,}",
                str(r["due"]),
                f"{sq['ms_median']:,.1f}",
                f"{d['ms_median']:,.0f}",
                f"{sq['rows_read']:,} / {d['items_read']:,}",
                f"{r['sqlite']['query']['ms_median']:,.2f} / {q['ms_median']:,.1f}",
                f"{r['sqlite']['query']['rows_read']:,} / {q['items_read']:,}",
                f"{r['scan']['items_read']:,}",
            ]
        )
    return render(head, rows)


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
    return render(head, rows)


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
    return render(head, rows)


LEGEND = """\
SQLite: a fresh database file loaded through the adapter's import path; rows read: the rows
its reads returned (each an index range or key lookup); ms: wall time, the database in-process.
items read: what DynamoDB bills a request for (Query/Scan ScannedCount, 1 per GetItem key).
ms: median wall time on moto, not DynamoDB. moto answers a Query by walking every item of
the table and pages a Scan by re-walking it from the start, so on moto even our Query's time
grows with the table while its items read do not.
run_due: {backup}
"run_due ms outside AWS calls" is our own code: the part that is ours to optimise."""
