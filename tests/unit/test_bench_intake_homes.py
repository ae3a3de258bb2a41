"""The pure parts of the intake benchmark's comparison of the two homes
(tests/bench/bench_intake/compare.py, idle.py): the CPU read from /proc/<pid>/stat, the rows
side by side with their ratio and the goal's verdict, and the printed table. Nothing here
starts a stack or times anything."""

from __future__ import annotations

import os

import pytest

from tests.bench.bench_intake.compare import (
    comparison_table,
    parse_homes,
    ratio,
    side_by_side,
)
from tests.bench.bench_intake.idle import cpu_ticks, percent_of_core, read_cpu_seconds

STAT = "4242 (rtflow (run) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 567 3 4 20 0 9 0"


def test_cpu_ticks_counts_fields_after_the_command_name_even_with_spaces_and_parentheses():
    assert cpu_ticks(STAT) == 1234 + 567  # utime + stime, not the children's cutime/cstime


def test_cpu_ticks_reads_this_process():
    with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as f:
        assert cpu_ticks(f.read()) >= 0
    assert read_cpu_seconds(os.getpid()) >= 0


def test_percent_of_core():
    assert percent_of_core(0.2, 20.0) == 1.0
    assert percent_of_core(30.0, 20.0) == 150.0  # more than one core's worth


def run(home: str, clients: int, rate: float, p50: float, ack: float | None, **extra) -> dict:
    return {
        "home": home,
        "clients": clients,
        "tickets_per_second": rate,
        "request_ms": {"p50": p50, "p95": 2 * p50},
        "filed_to_acknowledged_ms": {"p50": ack},
        **extra,
    }


RESULTS = [
    run("sqlite", 1, 140.0, 6.0, 50.0, idle_cpu={"percent_of_core": 0.5}),
    run("sqlite", 4, 200.0, 18.0, 90.0),
    run("aws", 1, 14.0, 70.0, 3000.0, idle_cpu={"percent_of_core": 30.0}),
    run("aws", 4, 26.0, 140.0, 4000.0),
]


def test_side_by_side_puts_each_measure_of_both_homes_in_one_row_with_the_ratio():
    rows = {(r["measure"], r["clients"]): r for r in side_by_side(RESULTS)}
    one = rows["filing, tickets/s", 1]
    assert (one["sqlite"], one["aws"], one["ratio"]) == (140.0, 14.0, 10.0)
    assert one["goal"] == "≥ 70: met"
    assert rows["request p50 ms", 1]["goal"] == "< 15: met"
    assert rows["request p95 ms", 4]["sqlite"] == 36.0
    assert rows["filed → acknowledged p50 ms", 4]["goal"] == "< 200: met"
    idle = rows["idle CPU, % of a core", None]
    assert (idle["sqlite"], idle["aws"], idle["goal"]) == (0.5, 30.0, "< 2: met")
    assert rows["filing, tickets/s", 4]["goal"] == ""  # no goal for four clients


def test_a_goal_missed_or_not_measured_says_so():
    slow = [run("sqlite", 1, 50.0, 20.0, 250.0, idle_cpu={"percent_of_core": 5.0})]
    rows = {(r["measure"], r["clients"]): r for r in side_by_side(slow)}
    assert rows["filing, tickets/s", 1]["goal"] == "≥ 70: missed"
    assert rows["request p50 ms", 1]["goal"] == "< 15: missed"
    assert rows["filed → acknowledged p50 ms", 1]["goal"] == "< 200: missed"
    assert rows["idle CPU, % of a core", None]["goal"] == "< 2: missed"
    assert rows["filing, tickets/s", 1]["aws"] is None
    assert rows["filing, tickets/s", 1]["ratio"] is None
    assert ("filing, tickets/s", 4) not in rows  # measured on neither home: no row
    nothing_acked = [run("sqlite", 1, 80.0, 5.0, None)]
    acked = [r for r in side_by_side(nothing_acked) if r["measure"].startswith("filed")]
    assert acked == []


def test_ratio_is_sqlite_over_moto_and_nothing_without_both():
    assert ratio(140.0, 14.0) == 10.0
    assert ratio(None, 14.0) is None
    assert ratio(140.0, None) is None
    assert ratio(140.0, 0.0) is None


def test_comparison_table_has_both_homes_the_ratio_and_the_goal():
    lines = comparison_table(side_by_side(RESULTS)).splitlines()
    head = [c.strip() for c in lines[0].split("|")]
    assert head == [
        "measure",
        "clients",
        "SQLite home",
        "moto stack",
        "SQLite / moto",
        "goal (SQLite home)",
    ]
    assert len(lines) == 2 + 9
    first = [c.strip() for c in lines[2].split("|")]
    assert first == ["filing, tickets/s", "1", "140.0", "14.0", "10×", "≥ 70: met"]
    idle = [c.strip() for c in lines[-1].split("|")]
    assert idle == ["idle CPU, % of a core", "-", "0.50", "30.0", "0.0167×", "< 2: met"]


def test_parse_homes():
    assert parse_homes("sqlite,aws") == ("sqlite", "aws")
    assert parse_homes(" aws ") == ("aws",)
    for bad in ("", "sqlite,moto", ","):
        with pytest.raises(ValueError):
            parse_homes(bad)
