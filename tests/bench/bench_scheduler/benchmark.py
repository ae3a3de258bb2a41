"""The minute job against a Scan baseline, per table size, and `run`."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from time import perf_counter
from typing import Any

from tests.bench.host import machine
from tests.bench.progress import log

from .data import DUE, FUTURE_SHARE, NOW, SECRET, build_tickets
from .measuring import read_units, timed
from .sqlite_home import LOAD_HOW, fresh_database, load_database, timed_rows
from .stack import LOAD_METHODS, emulator_env, fresh_stack, load, partition_backups
from .tables import LEGEND, homes_table, notes_table, table

SIZES = (1_000, 10_000, 100_000)


# -- the benchmark ------------------------------------------------------------------------------


def naive_due(now: datetime) -> list[int]:
    """The baseline: Scan the whole table (the one the item models are bound to), filtering on
    the timer's time."""
    from services.adapters.dynamo import utc_iso
    from services.adapters.dynamo.models import TicketItem

    return [int(i.number) for i in TicketItem.scan(TicketItem.timer_at <= utc_iso(now))]


def bench_sqlite(tickets, histories, runs: int, flow, budget_s: float) -> dict[str, Any]:
    """The same tickets in a fresh SQLite home: due(now), then run_due minute by minute."""
    from services.adapters.sqlite import SqliteTicketRepository
    from services.application.timers import SchedulerDeps, run_due
    from tests.fakes import FixedClock

    with fresh_database() as db:
        loaded = load_database(db, tickets, histories)
        repo = SqliteTicketRepository(db)
        log("  SQLite due(now): one range of the timer index")
        query = timed_rows(db, lambda _: repo.due(NOW), runs, budget_s)
        if len(query.results[0]) != DUE:
            raise RuntimeError(f"SQLite due() found {len(query.results[0])}, expected {DUE}")
        log(f"  SQLite run_due: {DUE} due timers firing, a fresh minute each run")
        clock = FixedClock(NOW)
        deps = SchedulerDeps(tickets=repo, flow=flow, clock=clock)

        def one_minute(i: int):
            clock.current = NOW + timedelta(minutes=i)
            return run_due(deps, clock.current)

        fired = timed_rows(db, one_minute, runs, budget_s)
    summaries = {}
    for name, measured in (("query", query), ("run_due", fired)):
        summaries[name] = measured.summary()
        summaries[name].pop("ms_in_calls_median")  # no calls: the database is in-process
    summaries["run_due"]["reports"] = [
        {"due_tickets": r.due_tickets, "fired": len(r.fired), "replanned": r.replanned}
        for r in fired.results
    ]
    return {"load": loaded, **summaries}


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
    sqlite = bench_sqlite(tickets, histories, runs, flow, budget_s)
    with fresh_stack(f"bench-{n}") as outputs:
        settings = Settings(
            table_name=outputs["TicketsTableName"],
            notify_queue_url=outputs["NotifyQueueUrl"],
            secret_key=SECRET,
            backend="aws",
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
        scan = timed(lambda _: naive_due(NOW), runs, budget_s)
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
        "sqlite": sqlite,
    }


def _pages(nbytes: int, page: int = 1_000_000) -> list[int]:
    full, last = divmod(nbytes, page)
    return [page] * full + ([last] if last else [])


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
    print(homes_table(results))
    print()
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
            "sqlite": "a fresh database file in a temporary directory; load: " + LOAD_HOW,
            "sqlite_rows_read": "rows returned by the repository's reads (SqliteDatabase.rows/"
            ".row); statements: the connection's trace callback, BEGIN/COMMIT included",
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
