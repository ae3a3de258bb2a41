"""What the reports benchmark prints (tests/bench/bench_reports/): the two homes side by side,
and the sizes option."""

from __future__ import annotations

from tests.bench.bench_reports import parse_sizes
from tests.bench.bench_reports.tables import homes_table


def result(open_count: int, total: int) -> dict:
    return {
        "open": open_count,
        "tickets": total,
        "events_in_window": 4_765,
        "finished_in_window": 212,
        "ms_gather_median": 20_812.4,
        "read": {"items_read": 5_977, "calls": {"Query": 42, "BatchGetItem": 3}},
        "sqlite": {"ms_gather_median": 96.4, "read": {"rows_read": 5_977, "statements": 45}},
    }


def test_the_homes_table_puts_sqlite_and_dynamodb_in_one_row_per_size():
    lines = homes_table([result(1_000, 10_000)]).splitlines()
    assert [c.strip() for c in lines[2].split(" | ")] == [
        "1,000 / 10,000", "4,765 + 212", "96", "20,812", "5,977 / 5,977", "45", "45",
    ]  # fmt: skip


def test_sizes_are_open_total_pairs():
    assert parse_sizes("100/1_000, 1000/10000,") == ((100, 1_000), (1_000, 10_000))
