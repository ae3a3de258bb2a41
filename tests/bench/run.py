"""Run the benchmarks: `make bench`, or `python -m tests.bench.run --sizes 1000,10000`.

Tables go to stdout, progress to stderr, and the results to .bench/results.json (gitignored),
one entry per benchmark, each with the machine it ran on and the date; an entry this run did
not touch is kept as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tests.bench import (
    bench_coldstart,
    bench_intake,
    bench_lifecycle,
    bench_reports,
    bench_scheduler,
    bench_search,
)
from tests.bench.floor_table import floor_table

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / ".bench" / "results.json"
FLOOR_BENCHMARKS = ("coldstart", "lifecycle", "intake")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=bench_scheduler.parse_sizes,
        default=bench_scheduler.SIZES,
        help="comma-separated table sizes (default: 1000,10000,100000)",
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="timed runs per measurement (median reported)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds per measurement after which fewer runs are taken (at least one)",
    )
    parser.add_argument(
        "--load",
        choices=sorted(bench_scheduler.LOAD_METHODS),
        default="http",
        help="how tickets are loaded: http (BatchWriteItem through pynamodb, default) or "
        "direct (the same items put into moto's in-process table; reads still go over HTTP)",
    )
    parser.add_argument(
        "--stock-moto",
        action="store_true",
        help="time run_due with moto's whole-table copy before every transaction (slow: "
        "~0.5 s a transaction at 1,000 tickets, about a minute at 100,000)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON results file")
    parser.add_argument(
        "--only",
        choices=["scheduler", "reports", "coldstart", "lifecycle", "intake", "search"],
        help="run one benchmark (default: all)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="run the benchmarks of the floor table: coldstart, lifecycle and intake",
    )
    parser.add_argument(
        "--report-sizes",
        type=bench_reports.parse_sizes,
        default=bench_reports.SIZES,
        help="open/total ticket pairs for the reports benchmark (default: 100/1000,1000/10000,10000/100000)",
    )
    parser.add_argument(
        "--intake-n",
        type=int,
        default=bench_intake.N,
        help=f"tickets filed per concurrency by the intake benchmark (default: {bench_intake.N})",
    )
    parser.add_argument(
        "--intake-homes",
        type=bench_intake.parse_homes,
        default=bench_intake.HOMES,
        help="the homes the intake benchmark compares, comma-separated (default: sqlite,aws)",
    )
    parser.add_argument(
        "--search-sizes",
        type=bench_search.parse_sizes,
        default=bench_search.SIZES,
        help="tickets in the SQLite home for the search benchmark (default: 10,1000,100000)",
    )
    parser.add_argument(
        "--search-moto-sizes",
        type=bench_search.parse_sizes,
        default=bench_search.MOTO_SIZES,
        help="tickets on moto for the search benchmark (default: 10,1000,10000)",
    )
    parser.add_argument(
        "--search-runs",
        type=int,
        default=30,
        help="timed runs per search, for its p50 and p95 (default: 30; at most 10 on moto)",
    )
    args = parser.parse_args(argv)

    def wanted(name: str) -> bool:
        if args.floor:
            return name in FLOOR_BENCHMARKS or args.only == name
        return args.only in (None, name)

    results = []
    if wanted("scheduler"):
        results.append(
            bench_scheduler.run(
                args.sizes,
                runs=args.runs,
                budget_s=args.budget,
                load_method=args.load,
                stock_moto=args.stock_moto,
            )
        )
    if wanted("reports"):
        results.append(bench_reports.run(args.report_sizes, runs=min(args.runs, 3)))
    if wanted("coldstart"):
        results.append(bench_coldstart.run(runs=args.runs))
    if wanted("lifecycle"):
        results.append(bench_lifecycle.run())
    if wanted("intake"):
        results.append(bench_intake.run(args.intake_n, homes=args.intake_homes))
    if wanted("search"):
        results.append(
            bench_search.run(args.search_sizes, args.search_moto_sizes, runs=args.search_runs)
        )

    if any(wanted(name) for name in FLOOR_BENCHMARKS):
        table, rows = floor_table(results)
        print("\nThe AWS path against its floor (issue 16), measured in this run")
        print(table)
        results.append(rows)

    _save(args.out, results)
    print(f"\nresults: {args.out}")
    return 0


def _save(out: Path, results: list[dict]) -> None:
    """This run's results over the file's: an entry this run did not touch is kept."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        everything = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        everything = {}
    for result in results:
        everything[result["name"]] = result
    out.write_text(json.dumps(everything, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
