"""`run`: every mode measured in turn, the package's sizes read, the tables printed, and the
JSON-ready results returned."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

from tests.bench.host import machine

from .children import Mode, find_python312, lambda_code
from .handlers import handlers_from_serverless
from .measuring import measure
from .package import package_sizes
from .paths import LAYER, ROOT, SERVERLESS, VENV_PYTHON
from .subjects import DYNAMO_FIRST_CALL, FLOOR_FIRST_CALL, FLOORS, subjects
from .tables import (
    LEGEND,
    graph_table,
    matrix_table,
    mode_table,
    own_table,
    package_tables,
    steps_table,
)


def _layer_modes(python312: str, code: Path, prefix: str) -> list[Mode]:
    path = [str(code), str(LAYER)]
    return [
        Mode(
            "layer, no .pyc",
            python312,
            ["-I", "-S", "-B"],
            path,
            code,
            "build/layer/python + the packaged code, compiled from source on every "
            "start (as deployed: --no-compile, read-only /opt)",
        ),
        Mode(
            "layer, .pyc",
            python312,
            ["-I", "-S", "-X", f"pycache_prefix={prefix}"],
            path,
            code,
            "the same files with warm .pyc caches (what a compiled layer would cost)",
        ),
    ]


def _layer_results(
    functions: list[tuple[str, str]], runs: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Both layer modes' results, or none and why."""
    python312 = find_python312()
    if not LAYER.is_dir():
        return [], "layer modes skipped: no build/layer/python (run `make package` first)"
    if python312 is None:
        return [], "layer modes skipped: no python3.12 (set RTFLOW_BENCH_PYTHON312)"
    with lambda_code() as code, tempfile.TemporaryDirectory() as prefix:
        modes = _layer_modes(python312, code, prefix)
        try:
            return [measure(m, subjects(functions), runs, min(runs, 3)) for m in modes], None
        except RuntimeError as e:  # a layer built before a dependency was added
            missing = str(e).strip().splitlines()[-1]
            return [], f"layer modes skipped: build/layer is out of date ({missing}): make package"


def _loaded(results: list[dict[str, Any]]) -> set[str]:
    """The third-party packages some handler imported, in any mode."""
    return {
        name
        for result in results
        for row in result["rows"]
        if row["handler"]
        for name in row["third_party"]
    }


def _print_tables(results: list[dict[str, Any]], sizes: dict[str, Any], notes: list[str]) -> None:
    for result in results:
        print()
        print(f"[{result['mode']}] Python {result['python']}: {result['note']}")
        print(mode_table(result))
    for result in results[:2]:
        print()
        print(f"The first call, step by step [{result['mode']}]")
        print(steps_table(result))
    print()
    print("Our own modules (venv, -X importtime self ms, import + first call)")
    print(own_table(results[0]))
    print()
    print("Import graph per handler (venv, -X importtime; cumulative ms, * in the first call)")
    print(graph_table(results[0]))
    print()
    print("Third-party packages per handler (venv; cumulative ms, import + first call)")
    print(matrix_table(results[0]))
    print()
    print("Deployment package (.serverless/, build/layer)")
    print(package_tables(sizes, _loaded(results)))
    for note in notes:
        print(note)
    print()
    print(LEGEND)


def run(runs: int = 5, layer_runs: int | None = None) -> dict[str, Any]:
    started = datetime.now(UTC)
    t0 = perf_counter()
    load_before = os.getloadavg()
    functions = handlers_from_serverless(SERVERLESS.read_text(encoding="utf-8"))
    python = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
    venv = Mode("venv", python, [], [], ROOT, ".venv, warm .pyc caches")
    results = [measure(venv, subjects(functions), runs, min(runs, 3))]
    layer, note = _layer_results(functions, layer_runs or min(runs, 3))
    results += layer
    notes = [note] if note else []
    sizes = package_sizes()

    host = machine()
    load = [round(x, 1) for x in (*load_before, *os.getloadavg())]
    print()
    print(
        f"Cold start: {len(functions)} Lambda handlers of serverless.yml. {host['cpu']} "
        f"x{host['cpu_count']}, load average {load[0]} before, {load[3]} after, "
        f"{started:%Y-%m-%d}"
    )
    _print_tables(results, sizes, notes)
    return {
        "name": "coldstart",
        "date": started.isoformat(timespec="seconds"),
        "machine": host,
        "seconds": round(perf_counter() - t0, 1),
        "setup": {
            "functions": dict(functions),
            "floors": FLOORS,
            "floor_first_call": FLOOR_FIRST_CALL,
            "dynamo_first_call": DYNAMO_FIRST_CALL,
            "notes": notes,
            "load_average_before_after": load,
        },
        "results": {"modes": results, "package": sizes},
    }
