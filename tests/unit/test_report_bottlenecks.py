"""Reports: where tickets wait: the time in each state, where open tickets wait now, and the
cumulative flow."""

from __future__ import annotations

from services.domain.lifecycle import Status
from tests.unit.report_builders import NOW, T0, D, H, filed, moved, report, stays_history, ticket

# -- bottlenecks ---------------------------------------------------------------------------


def test_time_in_each_state_median_and_p85(team):
    r = report(team, events=stays_history())
    got = {s.state: (s.stints, s.median_hours, s.p85_hours) for s in r.time_in_state}
    assert got == {
        # new: 2, 4, 6, 1, 2 -> sorted 1 2 2 4 6: median 2, p85 the 5th = 6
        "new": (5, 2.0, 6.0),
        "needs-info": (1, 24.0, 24.0),
        # triaged: 4, 10, 2 -> median 4, p85 the 3rd = 10
        "triaged": (3, 4.0, 10.0),
        # assigned: 1, 2, 3
        "assigned": (3, 2.0, 3.0),
        # in progress: 24, 48 (ticket 9's began before the window)
        "in-progress": (2, 36.0, 48.0),
    }


def test_same_instant_events_are_read_in_the_order_their_statuses_chain(team):
    # A triage that assigns at once: both written in the same instant, listed out of order.
    events = [
        moved(1, T0 + H, "triaged", "assigned"),
        moved(1, T0 + H, "new", "triaged", actor="system:triage"),
        filed(1, T0),
        moved(1, T0 + 3 * H, "assigned", "in-progress"),
    ]
    got = {s.state: (s.stints, s.median_hours) for s in report(team, events=events).time_in_state}
    assert got == {"new": (1, 1.0), "triaged": (1, 0.0), "assigned": (1, 2.0)}


def test_where_open_tickets_wait_now(team):
    tickets = [
        ticket(1, NOW - 5 * D, Status.TRIAGED, since=NOW - 2 * H),
        ticket(2, NOW - 5 * D, Status.TRIAGED, since=NOW - 4 * H),
        ticket(3, NOW - 5 * D, Status.TRIAGED, since=NOW - 30 * H),
        ticket(4, NOW - 5 * D, Status.IN_PROGRESS, owner="ana", since=NOW - 2 * D),
    ]
    waiting = {w.state: w for w in report(team, tickets).waiting}
    assert (waiting["triaged"].tickets, waiting["triaged"].median_hours) == (3, 4.0)
    assert waiting["triaged"].p85_hours == 30.0
    assert waiting["triaged"].ticket_days == 1.5  # 2 + 4 + 30 = 36 h
    assert waiting["in-progress"].median_hours == 48.0
    assert waiting["new"].tickets == 0 and waiting["new"].median_hours is None


def test_cumulative_flow_counts_each_status_at_each_day_end(team):
    day1, day2, day3 = NOW.replace(hour=0) - 2 * D, NOW.replace(hour=0) - D, NOW.replace(hour=0)
    events = [
        filed(1, day1 + 10 * H),  # A: new, then triaged at once
        moved(1, day1 + 11 * H, "new", "triaged", actor="system:triage"),
        filed(2, day1 + 12 * H),  # B: new
        moved(1, day2 + 9 * H, "triaged", "assigned"),
        moved(2, day2 + 15 * H, "new", "rejected"),  # B done
        moved(5, day2 + 10 * H, "in-progress", "resolved"),  # E (older): done
        moved(1, day3 + 8 * H, "assigned", "in-progress"),
        moved(5, day3 + 9 * H, "resolved", "closed"),  # still done: no change of band
        filed(3, day3 + 10 * H),  # C: new
    ]
    open_now = [
        ticket(1, day1 + 10 * H, Status.IN_PROGRESS, owner="ana"),
        ticket(3, day3 + 10 * H),
        ticket(4, NOW - 60 * D, Status.POSTPONED, owner="ben"),  # D: untouched all along
    ]
    cfd = report(team, open_now, events, days=3).cfd
    assert cfd.bands == (
        "new",
        "needs-info",
        "triaged",
        "assigned",
        "in-progress",
        "postponed",
        "done",
    )
    assert [p.day for p in cfd.points] == [day1.date(), day2.date(), day3.date()]
    assert cfd.points[-1].at == NOW
    nonzero = [{b: n for b, n in p.counts.items() if n} for p in cfd.points]
    assert nonzero == [
        {"new": 1, "triaged": 1, "in-progress": 1, "postponed": 1},  # A, B, E, D
        {"assigned": 1, "postponed": 1, "done": 2},  # A; B and E done
        {"new": 1, "in-progress": 1, "postponed": 1, "done": 2},  # C, A, D
    ]
