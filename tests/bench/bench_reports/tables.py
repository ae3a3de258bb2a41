"""What the reports benchmark prints: the two homes side by side, the reads in detail, the
legend."""

from __future__ import annotations

from typing import Any

from tests.bench.tables import render as _render

from .data import DAYS

SHORT = {"BatchGetItem": "BatchGet", "Query": "Query"}


def homes_table(results: list[dict[str, Any]]) -> str:
    """The two homes side by side: reading the daily report's window, per size."""
    head = [
        "open / tickets",
        "in window (events + finished)",
        "SQLite read ms",
        "DynamoDB read ms",
        "rows / items read",
        "SQLite statements",
        "DynamoDB calls",
    ]
    rows = []
    for r in results:
        sq, read = r["sqlite"], r["read"]
        rows.append(
            [
                f"{r['open']:,} / {r['tickets']:,}",
                f"{r['events_in_window']:,} + {r['finished_in_window']:,}",
                f"{sq['ms_gather_median']:,.0f}",
                f"{r['ms_gather_median']:,.0f}",
                f"{sq['read']['rows_read']:,} / {read['items_read']:,}",
                f"{sq['read']['statements']:,}",
                f"{sum(read['calls'].values()):,}",
            ]
        )
    return _render(head, rows)


def table(results: list[dict[str, Any]]) -> str:
    head = [
        "open / tickets",
        "table items",
        "calls (read)",
        "items read",
        "read units est.",
        "read ms",
        "compute ms",
        "HTML ms (KB)",
        "CSV ms (KB)",
        "JSON ms (KB)",
        "publish ms",
    ]
    rows = []
    for r in results:
        read, render, size = r["read"], r["ms_render_median"], r["bytes"]
        rows.append(
            [
                f"{r['open']:,} / {r['tickets']:,}",
                f"{r['table_items']:,}",
                " ".join(f"{SHORT.get(k, k)} {v}" for k, v in read["calls"].items()),
                f"{read['items_read']:,}",
                f"{read['read_units_est']:,g}",
                f"{r['ms_gather_median']:,.0f}",
                f"{r['ms_compute_median']:,.0f}",
                *(f"{render[f]:,.0f} ({size[f] / 1000:,.0f})" for f in ("html", "csv", "json")),
                f"{r['publish']['ms']:,.0f}",
            ]
        )
    return _render(head, rows)


def detail_table(results: list[dict[str, Any]]) -> str:
    head = [
        "open / tickets",
        "events in window",
        "finished in window",
        "items read by operation",
        "read ms in AWS calls",
        "forecast P50 / P85",
        "load s",
    ]
    rows = [
        [
            f"{r['open']:,} / {r['tickets']:,}",
            f"{r['events_in_window']:,}",
            f"{r['finished_in_window']:,}",
            " ".join(f"{SHORT.get(k, k)} {v:,}" for k, v in r["read"]["read_by_operation"].items()),
            f"{1000 * r['read']['seconds_in_calls']:,.0f}",
            f"{r['forecast']['p50']} / {r['forecast']['p85']}",
            f"{r['load']['seconds']:,.1f}",
        ]
        for r in results
    ]
    return _render(head, rows)


LEGEND = f"""\
SQLite: a fresh database file loaded through the adapter's import path; rows read: the rows
its reads returned (index ranges by status and by day, key lookups of the finished tickets).
items read: what DynamoDB bills the reads for (Query ScannedCount, BatchGetItem items): the
open tickets, the window's events and the tickets finished in it; never the table (a Scan
would read every one of its items). read ms is moto's: moto answers a Query of an index by
walking every item of the table, so on moto it grows with the table while items read do not.
compute: every figure, with 2,000 Monte-Carlo trials for the queue and for each owner.
publish: the scheduled job end to end (read, compute, render, 3 PutObjects + the digest's
marker, a mail to a fake mailer). Window: {DAYS} days; medians of the runs."""
