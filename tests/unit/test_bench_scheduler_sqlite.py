"""The SQLite subject of the scheduler benchmark (tests/bench/bench_scheduler/): tickets loaded
through the adapter's import path, what the row meter counts, the side-by-side table."""

from __future__ import annotations

from datetime import timedelta

from services.adapters.sqlite import SqliteTicketRepository
from tests.bench.bench_scheduler.data import NOW, _base, _requesters
from tests.bench.bench_scheduler.sqlite_home import RowMeter, fresh_database, load_database
from tests.bench.bench_scheduler.tables import homes_table


def tickets(n: int):
    from services.domain.ticket import Ticket

    requester = _requesters(1)[0]
    made = []
    for number in range(1, n + 1):
        fields = _base(number, NOW - timedelta(days=number), requester)
        if number % 2:
            fields["timers"] = {"wake": NOW - timedelta(minutes=number)}
        made.append(Ticket(**fields))
    return made


def test_the_load_writes_rows_the_repository_reads_back_and_sets_the_counter_above_them():
    with fresh_database() as db:
        loaded = load_database(db, tickets(7), {})
        repo = SqliteTicketRepository(db)
        assert loaded["items"] == 7
        assert sorted(repo.due(NOW)) == [1, 3, 5, 7]
        assert repo.get(4).version == 3
        assert repo.next_number() == 8


def test_the_row_meter_counts_the_rows_reads_return_and_every_statement_then_lets_go():
    with fresh_database() as db:
        load_database(db, tickets(6), {})
        repo = SqliteTicketRepository(db)
        with RowMeter(db) as meter:
            repo.due(NOW)  # three rows
            repo.get(2)  # one
            repo.history(2)  # none
        assert meter.summary() == {"statements": 3, "rows_read": 4}
        repo.get(1)
        assert meter.rows_read == 4
        assert "rows" not in vars(db)


def result(n: int, sqlite_ms: float, moto_ms: float) -> dict:
    return {
        "tickets": n,
        "due": 20,
        "query": {"ms_median": 35.25, "items_read": 20},
        "scan": {"items_read": n + 120},
        "run_due": {"ms_median": moto_ms, "items_read": 100},
        "sqlite": {
            "query": {"ms_median": 0.125, "rows_read": 20},
            "run_due": {"ms_median": sqlite_ms, "rows_read": 100},
        },
    }


def test_the_homes_table_puts_both_homes_in_one_row_per_size():
    printed = homes_table([result(1_000, 13.94, 711.2), result(100_000, 15.0, 9_876.5)])
    lines = printed.splitlines()
    head = [c.strip() for c in lines[0].split(" | ")]
    assert head[:4] == ["N", "due", "SQLite run_due ms", "DynamoDB run_due ms"]
    assert [c.strip() for c in lines[2].split(" | ")] == [
        "1,000", "20", "13.9", "711", "100 / 100", "0.12 / 35.2", "20 / 20", "1,120",
    ]  # fmt: skip
    assert [c.strip() for c in lines[3].split(" | ")][3] == "9,876"
