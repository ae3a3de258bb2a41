"""The two homes side by side (pure): each measure on the SQLite home and on the moto stack,
their ratio, and the issue's goal for the SQLite home (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .tables import render

HOMES = ("sqlite", "aws")
HOME_NAMES = {"sqlite": "SQLite home", "aws": "moto stack"}


@dataclass(frozen=True)
class Goal:
    text: str
    met: Callable[[float], bool]


AT_LEAST_70 = Goal("≥ 70", lambda v: v >= 70)
UNDER_15 = Goal("< 15", lambda v: v < 15)
UNDER_200 = Goal("< 200", lambda v: v < 200)
UNDER_2 = Goal("< 2", lambda v: v < 2)


@dataclass(frozen=True)
class Measure:
    label: str
    clients: int
    value: Callable[[dict[str, Any]], float | None]
    goal: Goal | None = None


def _p(key: str, p: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda r: r[key][p]


def _rate(r: dict[str, Any]) -> float | None:
    return r["tickets_per_second"]


def _idle(r: dict[str, Any]) -> float | None:
    idle = r.get("idle_cpu")
    return None if idle is None else idle["percent_of_core"]


MEASURES = (
    Measure("filing, tickets/s", 1, _rate, AT_LEAST_70),
    Measure("filing, tickets/s", 4, _rate),
    Measure("request p50 ms", 1, _p("request_ms", "p50"), UNDER_15),
    Measure("request p95 ms", 1, _p("request_ms", "p95")),
    Measure("request p50 ms", 4, _p("request_ms", "p50")),
    Measure("request p95 ms", 4, _p("request_ms", "p95")),
    Measure("filed → acknowledged p50 ms", 1, _p("filed_to_acknowledged_ms", "p50"), UNDER_200),
    Measure("filed → acknowledged p50 ms", 4, _p("filed_to_acknowledged_ms", "p50"), UNDER_200),
    Measure("idle CPU, % of a core", 0, _idle, UNDER_2),
)


def by_home(results: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """(home, clients) → that run's results; (home, 0) → the run the idle CPU was taken on."""
    found = {(r["home"], r["clients"]): r for r in results}
    found.update({(r["home"], 0): r for r in results if "idle_cpu" in r})
    return found


def ratio(sqlite: float | None, aws: float | None) -> float | None:
    """SQLite ÷ moto: above 1 is more tickets/s, or more milliseconds, on the SQLite home."""
    if sqlite is None or not aws:
        return None
    return sqlite / aws


def verdict(goal: Goal | None, value: float | None) -> str:
    if goal is None:
        return ""
    if value is None:
        return f"{goal.text}: not measured"
    return f"{goal.text}: {'met' if goal.met(value) else 'missed'}"


def side_by_side(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per measure the runs have on both homes or either: the values, the ratio and
    the goal's verdict on the SQLite home."""
    runs = by_home(results)
    rows = []
    for m in MEASURES:
        values = {h: m.value(runs[h, m.clients]) if (h, m.clients) in runs else None for h in HOMES}
        if all(v is None for v in values.values()):
            continue
        rows.append(
            {
                "measure": m.label,
                "clients": m.clients or None,
                **values,
                "ratio": ratio(values["sqlite"], values["aws"]),
                "goal": verdict(m.goal, values["sqlite"]),
            }
        )
    return rows


def _cell(value: float | None) -> str:
    """One decimal; two below 1 (an idle stack's few hundredths of a core)."""
    if value is None:
        return "-"
    return f"{value:,.2f}" if abs(value) < 1 else f"{value:,.1f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:,.3g}×"


def comparison_table(rows: list[dict[str, Any]]) -> str:
    head = ["measure", "clients", HOME_NAMES["sqlite"], HOME_NAMES["aws"], "SQLite / moto"]
    head.append("goal (SQLite home)")
    body = [
        [
            r["measure"],
            "-" if r["clients"] is None else str(r["clients"]),
            _cell(r["sqlite"]),
            _cell(r["aws"]),
            _ratio(r["ratio"]),
            r["goal"],
        ]
        for r in rows
    ]
    return render(head, body)


def parse_homes(text: str) -> tuple[str, ...]:
    """ "sqlite,aws" → ("sqlite", "aws"): the homes to run, in order, each known."""
    homes = tuple(h.strip() for h in text.split(",") if h.strip())
    unknown = [h for h in homes if h not in HOMES]
    if unknown or not homes:
        raise ValueError(f"homes are {', '.join(HOMES)}, not {text!r}")
    return homes
