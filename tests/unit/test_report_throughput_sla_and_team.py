"""Reports: throughput and cycle time per type, SLA compliance, each engineer's WIP against
their limit, and the staff-meeting agenda."""

from __future__ import annotations

from datetime import date

from services.domain import events as ev
from services.domain.events import Event
from services.domain.lifecycle import Status
from services.domain.reports import finished_numbers
from services.domain.ticket import Escalation
from tests.unit.report_builders import (
    ANA,
    NOW,
    T0,
    D,
    H,
    filed,
    moved,
    report,
    stays_history,
    ticket,
)

# -- throughput, cycle time, SLA -----------------------------------------------------------


def test_throughput_and_cycle_time_per_type(team):
    events = [
        *stays_history(),
        filed(6, T0),
        moved(6, T0 + H, "new", "rejected"),
    ]
    older = ticket(9, NOW - 20 * D, Status.RESOLVED, owner="ben", type="access")
    assert finished_numbers(events, {3}) == [1, 2, 6, 9]
    r = report(team, events=events, finished={9: older})
    flows = {t.type: t for t in r.throughput}
    general, access = flows["general"], flows["access"]
    # general: 1 (31 h), 2 (64 h) resolved, 6 rejected (1 h): median 31, p85 the 3rd = 64
    assert (general.done, general.resolved, general.rejected) == (3, 2, 1)
    assert (general.cycle_median_hours, general.cycle_p85_hours) == (31.0, 64.0)
    # the window: 6.5 days (seven days from 2026-11-21 00:00 to Friday noon)
    assert general.per_week == round(3 / 6.5 * 7, 2)
    # access: 9, filed 20 days ago, resolved at T0 + 30 h
    assert (access.done, access.cycle_median_hours) == (1, (16 * 24 + 30) * 1.0)
    by_day = {d.day: d.done for d in r.daily_done}
    assert by_day[date(2026, 11, 23)] == 1  # 6 at 13:00
    assert by_day[date(2026, 11, 24)] == 2  # 9 at 18:00, 1 at 19:00
    assert by_day[date(2026, 11, 26)] == 1  # 2 at 04:00
    assert sum(by_day.values()) == 4


def test_sla_compliance_of_the_tickets_filed_in_the_window(team):
    t0 = NOW - 60 * H
    at = lambda h: t0 + h * H  # noqa: E731
    events = [
        # 1: a staff member answers in 1 h (met), resolved in 40 h (met: 48 h)
        filed(1, at(0)),
        Event(1, ev.UPDATED, at(1), ANA, True, {"message": "on it"}),
        moved(1, at(2), "new", "triaged", actor="system:triage"),
        moved(1, at(3), "triaged", "assigned"),
        moved(1, at(40), "assigned", "resolved"),
        # 2: first public step of staff at 5 h (breached: 4 h), resolved at 50 h (breached)
        filed(2, at(0)),
        moved(2, at(0.5), "new", "triaged", actor="system:triage"),
        moved(2, at(5), "triaged", "assigned"),
        moved(2, at(50), "assigned", "resolved"),
        # 3: filed 10 h ago, nobody answered (breached while running), resolution running
        filed(3, NOW - 10 * H),
        # 4: access has no SLA; 5 was filed before the window: neither counts
        filed(4, at(0), type="access"),
        moved(5, at(1), "in-progress", "resolved"),
    ]
    rows = {(s.type, s.target): s for s in report(team, events=events, days=3).sla}
    assert set(rows) == {("general", "first_response"), ("general", "resolution")}
    first, resolution = rows["general", "first_response"], rows["general", "resolution"]
    assert (first.tickets, first.met, first.breached, first.open) == (3, 1, 2, 0)
    assert first.compliance_pct == 33.3
    assert (resolution.met, resolution.breached, resolution.open) == (1, 1, 1)
    assert resolution.compliance_pct == 50.0


# -- the team ------------------------------------------------------------------------------


def test_wip_per_engineer_against_limits(team):
    tickets = [
        ticket(1, NOW - D, Status.ASSIGNED, owner="ana"),
        ticket(2, NOW - D, Status.POSTPONED, owner="ana"),
        ticket(3, NOW - D, Status.IN_PROGRESS, owner="ben"),
        ticket(4, NOW - D, Status.IN_PROGRESS, owner="ben"),
        ticket(5, NOW - D, Status.IN_PROGRESS, owner="zed"),  # left the team
        ticket(6, NOW - D, Status.TRIAGED),
    ]
    rows = {w.member: w for w in report(team, tickets).wip}
    assert list(rows) == ["ana", "ben", "zed"]  # cy is no engineer
    assert (rows["ana"].wip, rows["ana"].limit, rows["ana"].headroom, rows["ana"].over) == (
        2,
        2,
        0,
        False,
    )
    assert rows["ana"].by_status == {"assigned": 1, "postponed": 1}
    assert (rows["ben"].wip, rows["ben"].headroom, rows["ben"].over) == (2, -1, True)
    assert (rows["zed"].limit, rows["zed"].over, rows["zed"].name) == (None, False, "zed")


def test_the_agenda_lists_unowned_escalated_and_breaching_oldest_first(team):
    escalation = Escalation(to="ben", by="ana", reason="needs storage", at=NOW - 5 * H)
    earlier = Escalation(to="ana", by="ben", reason="dns", at=NOW - 9 * H)
    tickets = [
        ticket(1, NOW - 2 * D, Status.TRIAGED),
        ticket(2, NOW - 5 * D, Status.TRIAGED),
        ticket(3, NOW - 9 * D, Status.TRIAGED, owner="ana"),  # returned, owned: not unowned
        ticket(4, NOW - 9 * D, Status.IN_PROGRESS, owner="ana", escalation=escalation),
        ticket(5, NOW - D, Status.IN_PROGRESS, owner="ben", escalation=earlier),
        ticket(6, NOW - 3 * D, Status.NEW, sla_breached=["first_response"]),
    ]
    agenda = report(team, tickets).agenda
    assert [t.number for t in agenda.unowned] == [2, 1]
    assert [t.number for t in agenda.escalated] == [5, 4]  # by when they were escalated
    assert agenda.escalated[1].note == "ana asked ben: needs storage"
    assert [(t.number, t.note) for t in agenda.breaching] == [(6, "breached: first_response")]
