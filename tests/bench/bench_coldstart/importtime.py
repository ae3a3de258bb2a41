"""Reading `-X importtime`: each import's phase and parent, and which third-party package was
imported by whom, first."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

OURS = ("services", "infra", "tests")


@dataclass
class Imported:
    name: str
    self_us: int
    cumulative_us: int
    depth: int
    phase: str
    parent: int | None = None  # index of the entry that imported it


def parse_importtime(stderr: str) -> list[Imported]:
    """The entries of `-X importtime` between the child's @@import and @@end markers, each with
    its phase (import or first-call) and the index of its parent (the import it ran inside:
    entries are printed when they finish, children first, indented one level deeper)."""
    entries: list[Imported] = []
    phase = None
    for line in stderr.splitlines():
        if line.startswith("@@"):
            phase = {"@@import": "import", "@@first-call": "first-call"}.get(line.strip())
            continue
        if phase is None or not line.startswith("import time:"):
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue  # the header
        raw = parts[2].rstrip()
        name = raw.lstrip(" ")
        depth = (len(raw) - len(name) - 1) // 2
        entries.append(Imported(name, int(parts[0]), int(parts[1]), depth, phase))
    # A parent is printed after its children: the first later entry one level up.
    open_children: dict[int, list[int]] = {}
    for i, entry in enumerate(entries):
        for child in open_children.pop(entry.depth + 1, []):
            entries[child].parent = i
        open_children.setdefault(entry.depth, []).append(i)
    return entries


def top_level(name: str) -> str:
    return name.split(".", 1)[0]


def attribute(entries: list[Imported], third_party: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Per third-party top-level package (`third_party`: the child's loaded top-level modules
    that are neither stdlib nor ours): its cumulative time in ms (its outermost imports, so
    with what it imports in turn), its own (self) time, the phase it was first imported in,
    the module that imported it, the third-party package that did if any, and the chain of
    our modules that led there (empty: a function's import in the first call)."""
    packages = set(third_party) - set(OURS)
    out: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        package = top_level(entry.name)
        if package not in packages:
            continue
        record = out.setdefault(
            package,
            {
                "ms": 0.0,
                "self_ms": 0.0,
                "phase": None,
                "by": None,
                "nested_in": None,
                "chain": [],
                "first": None,
            },
        )
        record["self_ms"] += entry.self_us / 1000
        ancestors = []
        j = entry.parent
        while j is not None:
            ancestors.append(entries[j].name)
            j = entries[j].parent
        if any(top_level(a) == package for a in ancestors):
            continue  # inside an import of its own package: counted there
        record["ms"] += entry.cumulative_us / 1000
        if record["first"] is None or i < record["first"]:
            record["first"] = i
            record["phase"] = entry.phase
            record["by"] = ancestors[0] if ancestors else None
            outer = [top_level(a) for a in ancestors if top_level(a) in packages]
            record["nested_in"] = outer[-1] if outer else None
            record["chain"] = [a for a in reversed(ancestors) if top_level(a) in OURS]
    for record in out.values():
        record["ms"] = round(record["ms"], 1)
        record["self_ms"] = round(record["self_ms"], 1)
        del record["first"]
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["ms"]))


def own_time(entries: list[Imported]) -> dict[str, float]:
    """Self ms of each of our modules: running its body, pydantic building its models'
    validators included (a class statement runs when its module is imported)."""
    out = {e.name: round(e.self_us / 1000, 1) for e in entries if top_level(e.name) in OURS}
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def merge_attributions(runs: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Several runs' attributions as one: median times, the first run's provenance."""
    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(n for run in runs for n in run):
        first = next(run[name] for run in runs if name in run)
        out[name] = first | {
            key: round(statistics.median(run.get(name, {}).get(key, 0.0) for run in runs), 1)
            for key in ("ms", "self_ms")
        }
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["ms"]))


def graph(
    entries: list[Imported], third_party: set[str], min_ms: float = 4.0, depth: int = 4
) -> list[dict[str, Any]]:
    """The import graph, outermost first: each import of at least `min_ms` cumulative, at most
    `depth` levels deep, a third-party package as one node (what it imports is its own), with
    the phase it ran in (import or the first call)."""
    children: dict[int | None, list[int]] = {}
    for i, entry in enumerate(entries):
        children.setdefault(entry.parent, []).append(i)
    out: list[dict[str, Any]] = []

    def walk(i: int, level: int) -> None:
        entry = entries[i]
        ms = entry.cumulative_us / 1000
        if ms < min_ms:
            return
        out.append({"depth": level, "name": entry.name, "ms": round(ms, 1), "phase": entry.phase})
        if level + 1 < depth and top_level(entry.name) not in third_party - set(OURS):
            for child in sorted(children.get(i, []), key=lambda c: -entries[c].cumulative_us):
                walk(child, level + 1)

    for root in children.get(None, []):
        walk(root, 0)
    return out
