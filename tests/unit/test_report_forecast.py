"""Reports: the Monte-Carlo forecast of when the open tickets are done, for the team and each
owner."""

from __future__ import annotations

import random
from datetime import date, timedelta

from services.domain.lifecycle import Status
from services.domain.reports.forecast import forecast_line, trial_days
from tests.unit.report_builders import NOW, D, moved, report, ticket

# -- the forecast --------------------------------------------------------------------------


def test_one_a_day_and_ten_open_is_exactly_ten_days():
    line = forecast_line("queue", "Ops", 10, [1] * 20, NOW.date(), random.Random(7))
    assert (line.p50_days, line.p85_days) == (10, 10)
    assert line.p50 == line.p85 == date(2026, 12, 7)
    assert line.mean_per_day == 1.0 and line.note == ""


def test_the_forecast_is_deterministic_for_a_seed():
    history = [0, 1, 2, 3, 0, 5, 1, 0, 2, 4, 0, 0, 3, 1]  # 22 in 14 days: 1.57 a day
    first = forecast_line("queue", "Ops", 20, history, NOW.date(), random.Random(2026))
    again = forecast_line("queue", "Ops", 20, history, NOW.date(), random.Random(2026))
    assert first == again
    assert (first.p50_days, first.p85_days) == (13, 17)
    assert (first.p50, first.p85) == (date(2026, 12, 10), date(2026, 12, 14))
    # About 20 / 1.57 = 12.7 days on average; never fewer than 20 / 5 = 4.
    days = trial_days(20, history, random.Random(1), trials=2_000)
    assert min(d for d in days if d is not None) >= 4
    assert 12 <= sorted(days)[1_000] <= 14  # type: ignore[type-var]


def test_no_throughput_no_forecast_and_a_slow_queue_lies_beyond_the_horizon():
    today = NOW.date()
    none = forecast_line("queue", "Ops", 5, [0, 0, 0], today, random.Random(1))
    assert none.p50 is None and none.note.startswith("no forecast")
    assert "complete day" in forecast_line("q", "Ops", 5, [], today, random.Random(1)).note
    slow = forecast_line("q", "Ops", 500, [0] * 99 + [1], today, random.Random(1), horizon=365)
    assert slow.p85 is None and slow.note == f"beyond {today + timedelta(days=365)}"
    done = forecast_line("q", "Ops", 0, [1], today, random.Random(1))
    assert (done.p50_days, done.note) == (0, "nothing open")


def test_owners_are_forecast_from_their_own_throughput(team):
    # ben finished one ticket a day on each of the 6 complete days; ana none.
    events, finished = [], {}
    for i in range(6):
        at = NOW.replace(hour=10) - (i + 1) * D
        events.append(moved(100 + i, at, "in-progress", "resolved", actor="staff:ben"))
        finished[100 + i] = ticket(100 + i, at - D, Status.RESOLVED, owner="ben")
    tickets = [
        ticket(1, NOW - D, Status.IN_PROGRESS, owner="ben"),
        ticket(2, NOW - D, Status.ASSIGNED, owner="ana"),
    ]
    r = report(team, tickets, events, finished)
    owners = {f.scope: f for f in r.forecast.owners}
    assert (owners["ben"].p50_days, owners["ben"].history_days) == (1, 6)
    assert owners["ana"].note.startswith("no forecast")
    assert (r.forecast.queue.open, r.forecast.queue.p85_days) == (2, 2)
