"""The measurement of one mode: an untimed round, timed rounds of every subject in turn (a busy
machine slows them alike), then `-X importtime` runs for who imported what; medians of all."""

from __future__ import annotations

import statistics
from typing import Any

from tests.bench.progress import log

from .children import Mode, python_version, run_child
from .importtime import attribute, graph, merge_attributions, own_time, parse_importtime
from .subjects import Subject

# Wall time, and the process's CPU time (what a busy machine does not inflate).
TIMED = ("import", "first_call", "process", "cpu_import", "cpu_first_call")


def _median_ms(values: list[float]) -> float:
    return round(1000 * statistics.median(values), 1)


def _sample(subject: Subject, timings: dict[str, Any]) -> None:
    for key in TIMED:
        if key in timings:
            subject.samples.setdefault(key, []).append(timings[key])
    for i, seconds in enumerate(timings.get("steps", [])):
        subject.samples.setdefault(f"step {i}", []).append(seconds)


def _timed_rounds(mode: Mode, subjects: list[Subject], runs: int) -> None:
    for r in range(runs):
        log(f"coldstart [{mode.name}] round {r + 1}/{runs}")
        for subject in subjects:
            timings, _ = run_child(mode, subject)
            _sample(subject, timings)


def _timings_row(subject: Subject) -> dict[str, Any]:
    row: dict[str, Any] = {
        "subject": subject.label,
        "function": subject.function,
        "handler": subject.handler,
        "runs": len(subject.samples["process"]),
    }
    for key in TIMED:
        if key in subject.samples:
            values = subject.samples[key]
            row[f"ms_{key}_median"] = _median_ms(values)
            row[f"ms_{key}_min"] = round(1000 * min(values), 1)
            row[f"ms_{key}_runs"] = [round(1000 * v, 1) for v in values]
    if subject.first_call:
        row["first_call_steps"] = [
            {"step": line, "ms_median": _median_ms(subject.samples[f"step {i}"])}
            for i, line in enumerate(subject.first_call.splitlines())
        ]
    return row


def _attribution(mode: Mode, subject: Subject, runs: int) -> dict[str, Any]:
    """Third-party packages and our own modules' time, medians of `runs` -X importtime runs."""
    attributions, own, graphs = [], [], []
    for _ in range(runs):
        timings, stderr = run_child(mode, subject, importtime=True)
        entries = parse_importtime(stderr)
        attributions.append(attribute(entries, timings["third_party"]))
        own.append(own_time(entries))
        graphs.append(graph(entries, set(timings["third_party"])))
    medians = {n: statistics.median(o.get(n, 0.0) for o in own) for n in own[0]}
    graphs.sort(key=lambda g: sum(node["ms"] for node in g if node["depth"] == 0))
    return {
        "import_graph": graphs[len(graphs) // 2],  # the run with the median total
        "third_party": merge_attributions(attributions),
        "own_ms": round(statistics.median(sum(o.values()) for o in own), 1),
        "own_modules_ms": {
            n: round(ms, 1) for n, ms in sorted(medians.items(), key=lambda kv: -kv[1])
        },
        "modules_loaded": timings["modules"],
    }


def measure(
    mode: Mode, subjects: list[Subject], runs: int, attribution_runs: int = 3
) -> dict[str, Any]:
    """An untimed round, then `runs` rounds of every subject in turn; then -X importtime runs
    (`attribution_runs` of each, medians)."""
    for subject in subjects:  # warms the page cache (and the .pyc prefix of that mode)
        run_child(mode, subject)
    _timed_rounds(mode, subjects, runs)
    rows = []
    for subject in subjects:
        row = _timings_row(subject)
        if subject.modules is not None:
            row |= _attribution(mode, subject, attribution_runs)
        rows.append(row)
        subject.samples = {}
    return {
        "mode": mode.name,
        "note": mode.note,
        "python": python_version(mode.python),
        "rows": rows,
    }
