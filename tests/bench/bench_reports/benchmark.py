"""The daily report's reads, computing and rendering per size, on moto and on SQLite; `run`."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from tests.bench.bench_scheduler.data import NOW, SECRET
from tests.bench.bench_scheduler.measuring import Meter
from tests.bench.bench_scheduler.sqlite_home import (
    LOAD_HOW,
    RowMeter,
    fresh_database,
    load_database,
)
from tests.bench.bench_scheduler.stack import emulator_env, fresh_stack, load
from tests.bench.host import machine
from tests.bench.progress import log

from .data import DAYS, FINISHED_SHARES, OPEN_SHARES, SIZES, build
from .tables import LEGEND, detail_table, homes_table, table


def _median_ms(seconds: list[float]) -> float:
    return round(1000 * statistics.median(seconds), 1)


def bench_sqlite(open_count: int, tickets, histories, runs: int) -> dict[str, Any]:
    """The same tickets in a fresh SQLite home: the daily report's reads (gather)."""
    from services.adapters.sqlite import SqliteTicketRepository
    from services.application import reports as job

    seconds: list[float] = []
    reads: dict[str, int] = {}
    with fresh_database() as db:
        loaded = load_database(db, tickets, histories)
        repo = SqliteTicketRepository(db)
        for i in range(runs):
            log(f"  SQLite run {i + 1}/{runs}: read")
            with RowMeter(db) as meter:
                start = perf_counter()
                got = job.gather(repo, NOW, DAYS)
                seconds.append(perf_counter() - start)
            reads = reads or meter.summary()
    if len(got.open_tickets) != open_count:
        raise RuntimeError(f"SQLite read {len(got.open_tickets)} open, expected {open_count}")
    return {
        "load": loaded,
        "read": reads,
        "finished_in_window": len(got.finished),
        "ms_gather_median": _median_ms(seconds),
        "ms_gather_runs": [round(1000 * s, 1) for s in seconds],
    }


def bench_size(open_count: int, total: int, runs: int, flow) -> dict[str, Any]:
    from services.adapters.bootstrap import build as build_container
    from services.adapters.settings import Settings
    from services.application import reports as job
    from services.domain import reports
    from tests.fakes import FakeMailer, FixedClock

    log(f"{open_count:,} open among {total:,}")
    t0 = perf_counter()
    tickets, histories = build(open_count, total, flow)
    built = perf_counter() - t0
    events_loaded = sum(len(h) for h in histories.values())
    sqlite = bench_sqlite(open_count, tickets, histories, runs)
    with fresh_stack(f"bench-reports-{total}") as outputs:
        settings = Settings(
            table_name=outputs["TicketsTableName"],
            reports_bucket=outputs["ReportsBucketName"],
            secret_key=SECRET,
            backend="aws",
        )
        c = build_container(settings, flow=flow, clock=FixedClock(NOW), mailer=FakeMailer())
        loaded = load(c.models, tickets, histories, "direct")
        loaded["build_tickets_seconds"] = round(built, 2)
        del tickets, histories
        deps = job.ReportDeps(
            tickets=c.tickets, flow=flow, clock=c.clock, store=c.report_store, mailer=c.mailer
        )
        c.tickets.events_on(NOW.date())  # warm up: pynamodb builds its clients on first use
        c.report_store.periods("daily")

        gather_s: list[float] = []
        compute_s: list[float] = []
        render_s: dict[str, list[float]] = {fmt: [] for fmt in job.FORMATS}
        sizes: dict[str, int] = {}
        reads: dict[str, Any] = {}
        for i in range(runs):
            log(f"  run {i + 1}/{runs}: read, compute, render")
            with Meter() as meter:
                start = perf_counter()
                got = job.gather(c.tickets, NOW, DAYS)
                gather_s.append(perf_counter() - start)
            if i == 0:
                reads = meter.summary() | {"seconds_in_calls": round(meter.seconds, 2)}
            start = perf_counter()
            made = reports.build_report(
                open_tickets=got.open_tickets,
                events=got.events,
                finished=got.finished,
                flow=flow,
                now=NOW,
                days=DAYS,
                kind="daily",
                rng=random.Random(f"daily:{NOW.date()}"),  # noqa: S311 - a simulation
                truncated=got.truncated,
            )
            compute_s.append(perf_counter() - start)
            for fmt in job.FORMATS:
                start = perf_counter()
                body = job.render(made, fmt)
                render_s[fmt].append(perf_counter() - start)
                sizes[fmt] = len(body.encode("utf-8"))
        log("  the scheduled job end to end (publish)")
        with Meter() as meter:
            start = perf_counter()
            published = job.publish(deps, "daily")
            publish_s = perf_counter() - start
        if made.open_tickets != open_count or not published.mailed:
            raise RuntimeError(  # the setup is wrong, not slow: say so rather than report it
                f"the report counted {made.open_tickets} open tickets, expected {open_count}"
            )
    return {
        "open": open_count,
        "tickets": total,
        "window_days": DAYS,
        "events_in_window": events_loaded,
        "table_items": loaded["items"],
        "load": loaded,
        "read": reads,
        "finished_in_window": len(got.finished),
        "ms_gather_median": _median_ms(gather_s),
        "ms_compute_median": _median_ms(compute_s),
        "ms_render_median": {fmt: _median_ms(s) for fmt, s in render_s.items()},
        "bytes": sizes,
        "runs": runs,
        "sqlite": sqlite,
        "publish": {
            "ms": round(1000 * publish_s, 1),
            "calls": dict(sorted(meter.calls.items())),
            "summary": published.summary,
        },
        "forecast": {
            "p50": str(made.forecast.queue.p50),
            "p85": str(made.forecast.queue.p85),
            "mean_per_day": made.forecast.queue.mean_per_day,
        },
    }


def run(sizes=SIZES, runs: int = 3) -> dict[str, Any]:
    from services.adapters.flow_file import load_flow
    from services.adapters.settings import PROJECT_ROOT

    flow = load_flow(PROJECT_ROOT / "infra" / "flow.example.yaml")
    started = datetime.now(UTC)
    t0 = perf_counter()
    with emulator_env():
        results = [bench_size(o, n, runs, flow) for o, n in sizes]
    host = machine()
    print()
    print(
        f"Reports: the daily report ({DAYS}-day window). {host['cpu']} x{host['cpu_count']}, "
        f"Python {host['python']}, moto {host['packages']['moto']}, {started:%Y-%m-%d}"
    )
    print(homes_table(results))
    print()
    print(table(results))
    print()
    print(detail_table(results))
    print()
    print(LEGEND)
    return {
        "name": "reports",
        "date": started.isoformat(timespec="seconds"),
        "machine": host,
        "seconds": round(perf_counter() - t0, 1),
        "setup": {
            "now": NOW.isoformat(),
            "window_days": DAYS,
            "runs": runs,
            "open_shares": OPEN_SHARES,
            "finished_shares": FINISHED_SHARES,
            "emulator": "moto server in this process (infra.local.emulator.Emulator), HTTP",
            "load": "direct: items put into moto's in-process table; only the window's events",
            "sqlite": "a fresh database file in a temporary directory; load: " + LOAD_HOW,
            "sqlite_rows_read": "rows returned by the repository's reads (SqliteDatabase.rows/"
            ".row); statements: the connection's trace callback",
        },
        "results": results,
    }


def parse_sizes(text: str) -> tuple[tuple[int, int], ...]:
    """ "1000/10000,10000/100000": open/total pairs."""
    pairs = []
    for part in text.split(","):
        if part.strip():
            open_count, _, total = part.replace("_", "").partition("/")
            pairs.append((int(open_count), int(total)))
    return tuple(pairs)
