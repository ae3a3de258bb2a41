"""The capacity-unit arithmetic of the life-cycle benchmark (tests/bench/bench_lifecycle/):
AWS's documented rules for request units and global secondary index writes."""

from __future__ import annotations

from infra.local.cfn import load_template
from tests.bench.bench_lifecycle.billing import Line
from tests.bench.bench_lifecycle.capacity import (
    Index,
    index_writes,
    indexes_from_template,
    read_units,
    write_units,
)
from tests.bench.bench_lifecycle.summing import dollars

KEYS = ("pk", "sk")
BY_STATUS = Index("by-status", "status_key", "sort_at", "ALL")
BY_TIMER = Index("by-next-timer", "timer_key", "timer_at", "KEYS_ONLY")


def s(text: str) -> dict:
    return {"S": text}


def ticket(status: str = "new", padding: int = 0, **extra) -> dict:
    item = {
        "pk": s("TICKET#1"),
        "sk": s("META"),
        "status_key": s(f"STATUS#{status}"),
        "sort_at": s("2027-03-01T08:30:00+00:00#0000000001"),
        "title": s("x" * padding),
    }
    return item | extra


def test_a_write_costs_one_unit_per_kilobyte_started_and_twice_in_a_transaction():
    assert write_units(0) == 1
    assert write_units(1024) == 1
    assert write_units(1025) == 2
    assert write_units(1700, transactional=True) == 4


def test_a_read_costs_one_unit_per_4_kb_halved_when_eventually_consistent():
    assert read_units(0, consistent=True) == 1.0  # a missing item costs the minimum
    assert read_units(4096, consistent=False) == 0.5
    assert read_units(4097, consistent=True) == 2.0
    assert read_units(100, consistent=True, transactional=True) == 2.0


def test_an_item_entering_an_index_is_one_write_of_its_entry():
    assert index_writes(None, ticket(), [BY_STATUS], KEYS) == {"by-status": 1}


def test_a_changed_index_key_is_a_delete_and_a_put():
    before, after = ticket("new", 1500), ticket("triaged", 1500)
    assert index_writes(before, after, [BY_STATUS], KEYS) == {"by-status": 4}


def test_a_change_of_projected_attributes_only_is_one_write():
    before = ticket(padding=1500)
    after = ticket(padding=1500, timers=s('{"review": "now"}'))
    assert index_writes(before, after, [BY_STATUS], KEYS) == {"by-status": 2}


def test_a_keys_only_index_ignores_changes_outside_its_keys():
    before = ticket(timer_key=s("TIMER"), timer_at=s("2027-03-01"))
    after = ticket(padding=3000, timer_key=s("TIMER"), timer_at=s("2027-03-01"))
    assert index_writes(before, after, [BY_TIMER], KEYS) == {}


def test_a_sparse_index_costs_nothing_for_items_without_its_keys_and_one_to_leave_it():
    with_timer = ticket(timer_key=s("TIMER"), timer_at=s("2027-03-01"))
    assert index_writes(ticket(), ticket(padding=10), [BY_TIMER], KEYS) == {}
    assert index_writes(with_timer, ticket(), [BY_TIMER], KEYS) == {"by-next-timer": 1}


def test_the_indexes_come_from_the_table_template():
    table_keys, indexes = indexes_from_template(load_template())
    assert table_keys == ("pk", "sk")
    by_name = {i.name: i for i in indexes}
    assert by_name["by-next-timer"].projection == "KEYS_ONLY"
    # The ticket's indexes hold keys only; the events' by-day index holds them whole.
    assert by_name["by-status"] == Index("by-status", "status_key", "sort_at", "KEYS_ONLY")
    assert by_name["by-day"].projection == "ALL"


def test_the_bill_prices_request_units_mails_and_requests():
    lines = [
        Line("file", "floor_tx", "dynamodb", requests=1, wru=6, floor=True),
        Line("file", "gsi:floor_tx", "dynamodb", gsi_wru=10),
        Line("file", "mail", "ses", requests=2, floor=True),
        Line("file", "relay_sqs", "sqs", requests=1),
    ]
    bill = dollars(lines)
    assert round(bill["dynamodb_wru"] * 1e6, 6) == 16 * 0.625
    assert round(bill["ses_email"], 6) == 0.0002
    assert round(bill["sqs_request"] * 1e6, 6) == 0.4
