"""The pure parts of the intake benchmark (tests/bench/bench_intake/): percentiles, the
acknowledgement mails it recognises, how work is shared by clients, and the tables' shape.
Nothing here starts a stack or times anything."""

from __future__ import annotations

import statistics

import pytest

from tests.bench.bench_intake.clients import run_clients
from tests.bench.bench_intake.following import acknowledgements
from tests.bench.bench_intake.stats import per_second, percentile, summarize
from tests.bench.bench_intake.tables import HEAD, concurrency_table, notes_table


def test_percentile_interpolates_between_the_closest_ranks():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 50) == 35
    assert percentile(values, 100) == 50
    assert percentile(values, 40) == 29  # rank 1.6: 20 + 0.6 * (35 - 20)
    assert percentile([3, 1, 2], 50) == 2  # order does not matter


def test_percentile_agrees_with_the_standard_librarys_inclusive_quantiles():
    values = [float((i * 37) % 101) for i in range(200)]
    cuts = statistics.quantiles(values, n=100, method="inclusive")  # cuts[k-1]: k-th percentile
    for p in (50, 95, 99):
        assert percentile(values, p) == pytest.approx(cuts[p - 1])


def test_percentile_of_one_value_is_that_value():
    assert percentile([7.5], 99) == 7.5


@pytest.mark.parametrize("values, p", [([], 50), ([1.0], -1), ([1.0], 101)])
def test_percentile_refuses_what_has_no_answer(values, p):
    with pytest.raises(ValueError):
        percentile(values, p)


def test_summarize():
    stats = summarize([float(v) for v in range(1, 101)])
    assert stats == {"n": 100, "p50": 50.5, "p95": 95.05, "p99": 99.01, "mean": 50.5, "max": 100.0}
    assert summarize([]) == {
        "n": 0,
        "p50": None,
        "p95": None,
        "p99": None,
        "mean": None,
        "max": None,
    }


def test_per_second():
    assert per_second(200, 8.0) == 25.0
    assert per_second(10, 0.0) is None


def mail(subject: str, captured_at: float = 0.0) -> dict:
    return {"subject": subject, "to": ["someone@example.org"], "captured_at": captured_at}


def test_acknowledgements_are_the_requesters_and_the_teams_mail_of_each_ticket():
    found = acknowledgements(
        [
            mail("[TechOps #1] Received: E2E abc: rotate the backup keys", 1.0),
            mail("[TechOps #12] New general ticket: E2E def: rotate the backup keys", 2.0),
            mail("[TechOps #12] Received: E2E def: rotate the backup keys", 3.0),
            mail("[TechOps #1] Assigned to you: E2E abc: rotate the backup keys", 4.0),
            mail("[TechOps] Daily report 2026-11-27: 0 open", 5.0),
            mail("[TechOps #2] New access ticket: E2E ghi: shell access", 6.0),
        ]
    )
    # Which acknowledgement mails each ticket has, and when the mailbox captured each.
    assert found == {1: {"requester": 1.0}, 12: {"team": 2.0, "requester": 3.0}, 2: {"team": 6.0}}


def test_run_clients_shares_the_work_and_keeps_the_order():
    sessions = ["a", "b", "c", "d"]
    results, seconds = run_clients(sessions, 10, lambda session, i: (session, i))
    assert [i for _, i in results] == list(range(10))
    assert {s for s, i in results if i % 4 == 1} == {"b"}  # client k does k, k + 4, ...
    assert seconds >= 0


def test_run_clients_raises_a_clients_error():
    def work(session, i):
        if i == 3:
            raise RuntimeError("POST /api/v1/tickets answered 500")
        return i

    with pytest.raises(RuntimeError, match="answered 500"):
        run_clients(["a", "b"], 6, work)


def stats(p50: float | None) -> dict:
    n = 0 if p50 is None else 40
    return {"n": n, "p50": p50, "p95": p50, "p99": p50, "mean": p50, "max": p50}


def result(clients: int, acked: bool = True) -> dict:
    ack = stats(8000.0 if acked else None)
    return {
        "clients": clients,
        "tickets": 40,
        "seconds": 6.2,
        "tickets_per_second": 6.5,
        "request_ms": stats(120.0),
        "request_ms_first_tickets": stats(80.0),
        "request_ms_last_tickets": stats(200.0),
        "acknowledged": 40 if acked else 0,
        "filed_to_acknowledged_ms": ack,
        "filed_to_acknowledged_ms_first_tickets": ack,
        "filed_to_acknowledged_ms_last_tickets": ack,
        "server_filed_to_acknowledged_ms": ack,
        "acknowledged_per_second": 2.0 if acked else None,
        "drain_seconds": 12.0,
        "mail_polls": {"reads": 30, "ms_mean": 150.0, "bytes_last": 500_000},
        "baseline_healthz": {"requests": 40, "per_second": 400.0, "ms": stats(2.5)},
        "stack_log": {"tracebacks": 0, "failed_lines": 0},
    }


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("|")]


def test_a_concurrency_table_has_the_request_the_acknowledgement_and_the_baseline():
    lines = concurrency_table(result(4)).splitlines()
    assert cells(lines[0]) == HEAD
    assert set(lines[1]) <= {"-", "+"}
    rows = [cells(line) for line in lines[2:]]
    assert [r[0] for r in rows] == [
        "POST /api/v1/tickets (request)",
        "filed → acknowledged",
        "GET /healthz (baseline)",
    ]
    assert all(len(r) == len(HEAD) for r in rows)
    assert rows[0][1:4] == ["40", "6.5", "120.0"]
    assert rows[1][2:4] == ["2.0", "8,000.0"]
    assert len({len(line) for line in lines}) == 1  # columns line up


def test_a_run_without_acknowledgements_still_renders():
    rows = [cells(line) for line in concurrency_table(result(1, acked=False)).splitlines()[2:]]
    assert rows[1][1:] == ["0", "-", "-", "-", "-", "-"]


def test_the_notes_table_has_a_row_per_concurrency():
    lines = notes_table([result(1), result(4)]).splitlines()
    assert [cells(line)[0] for line in lines[2:]] == ["1", "4"]
    assert cells(lines[2])[3] == "40/40"
