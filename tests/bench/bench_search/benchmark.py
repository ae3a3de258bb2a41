"""Timing the search and the CSV export on each home, per size; `run`."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from tests.bench.bench_scheduler.data import SECRET
from tests.bench.bench_scheduler.measuring import Meter
from tests.bench.bench_scheduler.stack import emulator_env, fresh_stack
from tests.bench.host import machine
from tests.bench.progress import log

from .data import EVERY, OPEN, RARE, SOME, build, matches
from .homes import fresh_database, load_database, load_moto
from .tables import LEGEND, csv_table, search_table

SIZES = (10, 1_000, 100_000)
MOTO_SIZES = (10, 1_000, 10_000)
# moto walks every item of the table for each Query (DynamoDB reads the partition): above
# this size only the first cases are timed there, once each, for their items read.
MOTO_FULL = 1_000
PAGE = 50
CSV_ROWS = 10_000


def cases(n: int, open_count: int) -> list[tuple[str, Any, int]]:
    """(what, the query, how many tickets match) for a store of n tickets."""
    from services.domain.lifecycle import Status
    from services.domain.search import SearchQuery

    m = matches(n)
    words = [RARE, SOME, EVERY] if n > m[RARE] else [EVERY]
    found = [(f"{w} (in {m[w]:,})", SearchQuery.of(w, limit=PAGE), m[w]) for w in words]
    if n > m[RARE]:
        found.append((f"{RARE} {EVERY}", SearchQuery.of(f"{RARE} {EVERY}", limit=PAGE), m[RARE]))
    opened = frozenset(Status(s) for s in OPEN)
    found.append((f"{EVERY}, open", SearchQuery.of(EVERY, statuses=opened, limit=PAGE), open_count))
    for w in words[:2] if n > m[RARE] else []:
        query = SearchQuery.of(w, sort="updated", limit=PAGE)
        found.append((f"{w}, by update", query, m[w]))
    found.append((f"{RARE}, public", SearchQuery.of(RARE, public=True, limit=PAGE), m[RARE]))
    return found


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 2)


def timed(search: Callable[[], Any], runs: int, budget_s: float) -> tuple[list[float], Any]:
    seconds, started, page = [], perf_counter(), None
    for _ in range(runs):
        t0 = perf_counter()
        page = search()
        seconds.append(perf_counter() - t0)
        if perf_counter() - started > budget_s:
            break
    return seconds, page


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": _ms(statistics.median(ordered)), "p95_ms": _ms(p95), "runs": len(ordered)}


def measure(
    home: str, n: int, search, open_count: int, runs: int, metered: bool, first: int = 99
) -> list[dict]:
    out = []
    for what, query, matching in cases(n, open_count)[:first]:
        log(f"  {home}, {n:,} tickets: {what}")
        search.search(query)  # warm: caches, clients
        with Meter() as meter:
            seconds, page = timed(lambda q=query: search.search(q), runs, budget_s=30)
        shown = len(page.tickets)
        if shown != min(PAGE, matching):  # the setup is wrong, not slow: say so
            raise RuntimeError(f"{home} {what}: {shown} shown, expected {min(PAGE, matching)}")
        row = {"home": home, "tickets": n, "query": what, "matches": matching, "shown": shown}
        row |= percentiles(seconds) | {"items_read": page.read}
        if metered:  # on the wire, per search
            row["wire_items_read"] = meter.summary()["items_read"] // len(seconds)
            row["calls"] = {k: v // len(seconds) for k, v in meter.calls.items()}
        out.append(row)
    return out


def export(home: str, n: int, search, flow) -> dict[str, Any]:
    from services.intake.find.query import FindQuery
    from services.intake.find.reading import as_csv

    rows = min(CSV_ROWS, n)
    f = FindQuery.model_validate({"format": "csv", "per_page": str(rows)}, context={"flow": flow})
    log(f"  {home}, {n:,} tickets: CSV of {rows:,}")
    t0 = perf_counter()
    body, _ = as_csv(search, f)
    seconds = perf_counter() - t0
    written = body.count("\r\n") - 1
    if written != rows:
        raise RuntimeError(f"{home}: the CSV holds {written} rows, expected {rows}")
    return {"home": home, "tickets": n, "rows": written, "ms": _ms(seconds), "bytes": len(body)}


def bench_sqlite(n: int, runs: int, flow) -> dict[str, Any]:
    from services.adapters.sqlite.search import SqliteTicketSearch

    tickets, histories = build(n)
    open_count = sum(t.is_open for t in tickets)
    with fresh_database() as db:
        loaded = load_database(db, tickets, histories)
        del tickets, histories
        search = SqliteTicketSearch(db)
        rows = measure("SQLite", n, search, open_count, runs, metered=False)
        csv = export("SQLite", n, search, flow) if n >= CSV_ROWS else None
    return {"load": loaded, "search": rows, "csv": csv}


def bench_moto(n: int, runs: int, flow) -> dict[str, Any]:
    from services.adapters.bootstrap import build as build_container
    from services.adapters.settings import Settings

    tickets, histories = build(n)
    open_count = sum(t.is_open for t in tickets)
    with fresh_stack(f"bench-search-{n}") as outputs:
        settings = Settings(
            table_name=outputs["TicketsTableName"], secret_key=SECRET, backend="aws"
        )
        c = build_container(settings, flow=flow)
        loaded = load_moto(c.models, tickets, histories)
        del tickets, histories
        full = n <= MOTO_FULL
        rows = measure(
            "DynamoDB (moto)",
            n,
            c.search,
            open_count,
            runs if full else 1,
            metered=True,
            first=99 if full else 2,
        )
        csv = export("DynamoDB (moto)", n, c.search, flow) if n >= CSV_ROWS else None
    return {"load": loaded, "search": rows, "csv": csv}


def run(sizes=SIZES, moto_sizes=MOTO_SIZES, runs: int = 30) -> dict[str, Any]:
    from services.adapters.flow_file import load_flow
    from services.adapters.settings import PROJECT_ROOT

    flow = load_flow(PROJECT_ROOT / "infra" / "flow.example.yaml")
    started = datetime.now(UTC)
    t0 = perf_counter()
    results = [bench_sqlite(n, runs, flow) for n in sizes]
    with emulator_env():
        results += [bench_moto(n, min(runs, 10), flow) for n in moto_sizes]
    host = machine()
    print()
    print(
        f"Search: a page of {PAGE}, newest first unless said. {host['cpu']} x{host['cpu_count']}, "
        f"Python {host['python']}, moto {host['packages']['moto']}, {started:%Y-%m-%d}"
    )
    print(search_table([row for r in results for row in r["search"]]))
    print()
    exports = [r["csv"] for r in results if r["csv"]]
    if exports:
        print(csv_table(exports))
        print()
    print(LEGEND)
    return {
        "name": "search",
        "date": started.isoformat(timespec="seconds"),
        "machine": host,
        "seconds": round(perf_counter() - t0, 1),
        "setup": {"page": PAGE, "runs": runs, "sizes": list(sizes), "moto_sizes": list(moto_sizes)},
        "results": results,
    }


def parse_sizes(text: str) -> tuple[int, ...]:
    return tuple(int(p.replace("_", "")) for p in text.split(",") if p.strip())
