"""Reports: the statistics they use (median, p85, the window and its period) and aging by
status, owner and type."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.domain.lifecycle import Status
from services.domain.reports import period_of, window
from services.domain.reports.aging import bucket
from services.domain.reports.stats import median, percentile
from tests.unit.report_builders import NOW, D, H, report, ticket

# -- the statistics ------------------------------------------------------------------------


def test_median_is_the_middle_and_p85_the_nearest_rank():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert percentile(list(range(1, 21)), 85) == 17  # 85 % of 20 values: the 17th
    assert percentile([1, 2, 2, 4, 6], 85) == 6  # ceil(4.25) = 5th of 5
    assert percentile([5], 85) == 5
    assert median([]) is None and percentile([], 85) is None


def test_the_window_is_the_last_days_up_to_today_and_a_period_names_it():
    assert window(NOW, 3) == [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
    assert period_of("daily", NOW) == "2026-11-27"
    assert period_of("weekly", NOW) == "2026-W48"
    assert period_of("weekly", datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
    with pytest.raises(ValueError):
        window(NOW, 0)


# -- aging ---------------------------------------------------------------------------------


def test_ages_fall_in_buckets_from_their_lower_edge():
    # <1d | 1-3d | 3-7d | 7-14d | 14-30d | 30-90d | 90d+
    assert [bucket(a) for a in (0, 0.99, 1, 2.99, 3, 7, 13.9, 14, 30, 89.9, 90, 400)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        3,
        4,
        5,
        5,
        6,
        6,
    ]


def test_aging_per_status_owner_and_type_and_the_oldest_first(team):
    tickets = [
        ticket(1, NOW - 12 * H),  # 0.5 d: <1d
        ticket(2, NOW - 2 * D, Status.TRIAGED),  # 2 d: 1-3d, nobody owns it
        ticket(3, NOW - 3 * D, Status.ASSIGNED, owner="ana", type="access"),  # exactly 3 d: 3-7d
        ticket(4, NOW - 10 * D, Status.IN_PROGRESS, owner="ana", since=NOW - 4 * D),  # 7-14d
        ticket(5, NOW - 100 * D, Status.POSTPONED, owner="ben"),  # 90d+
    ]
    a = report(team, tickets).aging
    assert a.buckets == ("<1d", "1-3d", "3-7d", "7-14d", "14-30d", "30-90d", "90d+")
    status = {r.name: r.counts for r in a.by_status}
    assert status == {
        "new": (1, 0, 0, 0, 0, 0, 0),
        "needs-info": (0,) * 7,
        "triaged": (0, 1, 0, 0, 0, 0, 0),
        "assigned": (0, 0, 1, 0, 0, 0, 0),
        "in-progress": (0, 0, 0, 1, 0, 0, 0),
        "postponed": (0, 0, 0, 0, 0, 0, 1),
    }
    owner = {r.name: (r.counts, r.total) for r in a.by_owner}
    assert owner == {
        "ana": ((0, 0, 1, 1, 0, 0, 0), 2),
        "ben": ((0, 0, 0, 0, 0, 0, 1), 1),
        "": ((1, 1, 0, 0, 0, 0, 0), 2),  # nobody
    }
    kinds = {r.name: r.total for r in a.by_type}
    assert kinds == {"general": 4, "access": 1}
    assert [(t.number, t.age_days, t.in_state_days) for t in a.oldest] == [
        (5, 100.0, 100.0),
        (4, 10.0, 4.0),
        (3, 3.0, 3.0),
        (2, 2.0, 2.0),
        (1, 0.5, 0.5),
    ]
