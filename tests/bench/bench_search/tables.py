"""What the search benchmark prints."""

from __future__ import annotations

from typing import Any

from tests.bench.tables import render

LEGEND = """\
items read: what the home's search read for the page (SQLite: FTS rows joined to their
tickets; DynamoDB: postings and tickets), from SearchPage.read; wire: the items DynamoDB
reported for the same search (Query ScannedCount, BatchGetItem items, GetItem). p50/p95:
wall time of the search call alone, in this process; on moto every call is an HTTP request
to the emulator, which keeps the table in Python."""


def search_table(rows: list[dict[str, Any]]) -> str:
    head = [
        "home",
        "tickets",
        "query",
        "matches",
        "shown",
        "p50 ms",
        "p95 ms",
        "items read",
        "wire",
    ]
    body = [
        [
            r["home"],
            f"{r['tickets']:,}",
            r["query"],
            f"{r['matches']:,}",
            str(r["shown"]),
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            f"{r['items_read']:,}",
            f"{r['wire_items_read']:,}" if "wire_items_read" in r else "",
        ]
        for r in rows
    ]
    return render(head, body)


def csv_table(rows: list[dict[str, Any]]) -> str:
    head = ["CSV export", "tickets in store", "rows", "ms", "bytes"]
    body = [
        [r["home"], f"{r['tickets']:,}", f"{r['rows']:,}", f"{r['ms']:.0f}", f"{r['bytes']:,}"]
        for r in rows
    ]
    return render(head, body)
