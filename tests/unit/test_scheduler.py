"""The minute job: every due timer fires exactly once, at its time, whatever the runs do.

Fakes stand in for the table and the clock; tickets reach their states through the domain's
own methods, and a status change marks the ticket for review, which the next run re-plans.
Times are UTC (see scheduler_builders.py for the team's hours and holidays)."""

from __future__ import annotations

import pytest

from services.application.timers import SchedulerDeps, run_due
from services.domain import events as ev
from services.domain import timers
from services.domain.lifecycle import Status
from tests.fakes import FixedClock
from tests.unit.scheduler_builders import (
    ANA,
    FIRST_BREACH,
    FIRST_WARN,
    MON_14,
    THU_17,
    act,
    count,
    file,
    run,
    staff,
    triaged_by_the_service,
    utc,
    waiting_for_information,
)


@pytest.fixture
def clock():
    return FixedClock(MON_14)


@pytest.fixture
def deps(tickets, flow, clock):
    return SchedulerDeps(tickets=tickets, flow=flow, clock=clock)


# --- review --------------------------------------------------------------------------------


def test_a_review_re_plans_the_timers_without_writing_an_event(deps):
    number = triaged_by_the_service(deps)
    before = deps.tickets.history(number)
    assert deps.tickets.get(number).timers == {timers.REVIEW: MON_14}
    report = run(deps, MON_14)
    assert (report.due_tickets, report.replanned, report.fired) == (1, 1, [])
    assert deps.tickets.history(number) == before
    assert deps.tickets.get(number).timers == {
        FIRST_WARN: utc(2026, 12, 14, 14, 24),
        FIRST_BREACH: utc(2026, 12, 14, 16),
        timers.sla_warn("resolution"): utc(2026, 12, 23, 16),
        timers.sla_breach("resolution"): utc(2026, 12, 28, 16),
    }


def test_a_run_with_nothing_due_reads_and_does_nothing(deps):
    number = triaged_by_the_service(deps)
    run(deps, MON_14)
    report = run(deps, utc(2026, 12, 14, 14, 23))
    assert (report.due_tickets, report.replanned, report.fired) == (0, 0, [])
    assert count(deps, number, ev.SLA_WARNED) == 0


# --- postpone and wake ---------------------------------------------------------------------


def test_a_postponed_ticket_wakes_at_its_time_and_not_before(deps):
    number = file(deps, MON_14)
    mira = staff(deps, "mira")
    act(deps, number, "take", MON_14, actor=mira)
    act(deps, number, "start", MON_14, actor=mira)
    until = utc(2026, 12, 18, 9)  # Fri 18, 10:00 in Amsterdam
    act(
        deps,
        number,
        "postpone",
        utc(2026, 12, 14, 10),
        actor=mira,
        until=until,
        reason="waiting for the vendor",
        public=True,
    )
    run(deps, utc(2026, 12, 14, 10))
    assert deps.tickets.get(number).timers == {timers.WAKE: until}  # the SLA clock is paused

    assert run(deps, utc(2026, 12, 18, 8, 59)).fired == []
    assert deps.tickets.get(number).status is Status.POSTPONED

    assert run(deps, until).fired == [f"#{number} wake"]
    ticket = deps.tickets.get(number)
    assert ticket.status is Status.IN_PROGRESS  # back where it was
    assert ticket.postponed_until is None
    woken = deps.tickets.history(number)[-1]
    assert (woken.kind, woken.actor, woken.public, woken.at) == (
        ev.WOKEN,
        "system:scheduler",
        True,  # the reason was public: the requester is told too
        until,
    )
    assert (woken.data["from"], woken.data["to"]) == ("postponed", "in-progress")
    # The resolution clock runs again: 2 h ran on Mon 14 (09:00-11:00 Amsterdam); 78 h are
    # left from Fri 18 10:00: Fri 7, Mon 21-Thu 24 32, Mon 28-Thu 31 32 (71), Mon 4 Jan 7 h.
    # The warning (64 h) comes 62 h on: Fri 7, Mon 21-Thu 24 (39), Mon 28-Wed 30 (63 > 62).
    assert ticket.timers == {
        timers.sla_warn("resolution"): utc(2026, 12, 30, 15),
        timers.sla_breach("resolution"): utc(2027, 1, 4, 15),
    }
    assert run(deps, until).fired == []
    assert count(deps, number, ev.WOKEN) == 1


# --- exactly once --------------------------------------------------------------------------


def test_each_due_timer_fires_once_when_two_runs_come_at_the_same_time(deps):
    numbers = [triaged_by_the_service(deps) for _ in range(2)]
    run(deps, MON_14)
    first = run(deps, utc(2026, 12, 14, 14, 24))
    assert sorted(first.fired) == sorted(f"#{n} {FIRST_WARN}" for n in numbers)
    second = run(deps, utc(2026, 12, 14, 14, 24))
    assert (second.due_tickets, second.fired) == (0, [])
    assert [count(deps, n, ev.SLA_WARNED) for n in numbers] == [1, 1]


def test_overlapping_runs_fire_each_timer_once_and_neither_fails(deps, tickets, monkeypatch):
    numbers = [triaged_by_the_service(deps) for _ in range(2)]
    run(deps, MON_14)
    at = utc(2026, 12, 14, 14, 24)
    deps.clock.current = at
    save, inner = tickets.save, []

    def save_after_another_run(ticket, change):
        # The first save of the outer run: another run reads and fires the same tickets
        # between the outer run's read and its write.
        if not inner:
            inner.append(None)
            inner[0] = run_due(deps)
        return save(ticket, change)

    monkeypatch.setattr(tickets, "save", save_after_another_run)
    outer = run_due(deps)
    assert sorted(inner[0].fired) == sorted(f"#{n} {FIRST_WARN}" for n in numbers)
    assert outer.fired == []  # it found the work done and did not fail
    assert [count(deps, n, ev.SLA_WARNED) for n in numbers] == [1, 1]
    assert all(FIRST_WARN not in tickets.get(n).timers for n in numbers)


def test_a_run_that_dies_halfway_loses_nothing_and_fires_nothing_twice(deps, tickets, monkeypatch):
    numbers = [triaged_by_the_service(deps) for _ in range(3)]
    run(deps, MON_14)
    at = utc(2026, 12, 14, 14, 24)
    deps.clock.current = at
    save, saves = tickets.save, []

    def dies_after_the_first_save(ticket, change):
        saves.append(ticket.number)
        if len(saves) > 1:  # the process is killed: nothing in the run can catch that
            raise SystemExit("the function timed out")
        return save(ticket, change)

    monkeypatch.setattr(tickets, "save", dies_after_the_first_save)
    with pytest.raises(SystemExit):
        run_due(deps)
    assert sum(count(deps, n, ev.SLA_WARNED) for n in numbers) == 1

    monkeypatch.setattr(tickets, "save", save)
    report = run_due(deps)
    assert len(report.fired) == 2
    assert [count(deps, n, ev.SLA_WARNED) for n in numbers] == [1, 1, 1]
    assert run_due(deps).fired == []


# --- SLA -----------------------------------------------------------------------------------


def test_sla_warning_then_breach_fire_once_each_as_the_clock_passes_them(deps):
    number = triaged_by_the_service(deps)
    run(deps, MON_14)
    assert run(deps, utc(2026, 12, 14, 14, 23)).fired == []

    assert run(deps, utc(2026, 12, 14, 14, 24)).fired == [f"#{number} {FIRST_WARN}"]
    warned = deps.tickets.history(number)[-1]
    assert (warned.kind, warned.public, warned.actor) == (
        ev.SLA_WARNED,
        False,
        "system:scheduler",
    )
    assert warned.data["target"] == "first_response"
    assert run(deps, utc(2026, 12, 14, 14, 24)).fired == []
    assert run(deps, utc(2026, 12, 14, 15, 59)).fired == []

    assert run(deps, utc(2026, 12, 14, 16)).fired == [f"#{number} {FIRST_BREACH}"]
    breached = deps.tickets.history(number)[-1]
    assert (breached.kind, breached.data["target"]) == (ev.SLA_BREACHED, "first_response")
    assert deps.tickets.get(number).sla_breached == ["first_response"]
    assert run(deps, utc(2026, 12, 15, 12)).fired == []

    assert run(deps, utc(2026, 12, 23, 16)).fired == [f"#{number} sla-warn:resolution"]
    assert run(deps, utc(2026, 12, 28, 15, 59)).fired == []
    assert run(deps, utc(2026, 12, 28, 16)).fired == [f"#{number} sla-breach:resolution"]
    assert deps.tickets.get(number).sla_breached == ["first_response", "resolution"]
    assert run(deps, utc(2027, 1, 29, 16)).fired == []
    assert count(deps, number, ev.SLA_WARNED) == 2
    assert count(deps, number, ev.SLA_BREACHED) == 2
    assert deps.tickets.get(number).status is Status.ASSIGNED  # reminders change no status


def test_a_run_long_after_a_breach_fires_it_once_and_no_stale_warning(deps):
    number = triaged_by_the_service(deps)
    run(deps, MON_14)
    report = run(deps, utc(2026, 12, 15, 10))  # the scheduler was down since Monday morning
    # The warning was overtaken by the breach: a fresh plan holds only the breach.
    assert report.fired == [f"#{number} {FIRST_BREACH}"]
    assert count(deps, number, ev.SLA_WARNED) == 0
    assert run(deps, utc(2026, 12, 15, 10)).fired == []


def test_a_first_response_by_staff_cancels_the_first_response_timers(deps):
    number = triaged_by_the_service(deps)
    run(deps, MON_14)
    act(deps, number, "start", utc(2026, 12, 14, 10), actor=staff(deps, "priya"))
    run(deps, utc(2026, 12, 14, 10))
    pending = deps.tickets.get(number).timers
    assert FIRST_WARN not in pending and FIRST_BREACH not in pending
    run(deps, utc(2026, 12, 14, 16))
    assert count(deps, number, ev.SLA_WARNED) == count(deps, number, ev.SLA_BREACHED) == 0


# --- needs-info ----------------------------------------------------------------------------


def test_needs_info_nudges_after_3_working_days_and_closes_after_10(deps):
    number = waiting_for_information(deps)
    run(deps, THU_17)
    since = THU_17
    assert deps.tickets.get(number).timers == {
        timers.nudge(since): utc(2026, 12, 22, 9),
        timers.auto_close(since): utc(2027, 1, 4, 9),
    }
    assert run(deps, utc(2026, 12, 22, 8, 59)).fired == []

    assert run(deps, utc(2026, 12, 22, 9)).fired == [f"#{number} {timers.nudge(since)}"]
    nudged = deps.tickets.history(number)[-1]
    assert (nudged.kind, nudged.public, nudged.data["missing"]) == (
        ev.NUDGED,
        True,
        ["capacity_needs"],
    )
    assert deps.tickets.get(number).status is Status.NEEDS_INFO
    assert run(deps, utc(2026, 12, 22, 9)).fired == []
    assert run(deps, utc(2027, 1, 4, 8, 59)).fired == []

    assert run(deps, utc(2027, 1, 4, 9)).fired == [f"#{number} {timers.auto_close(since)}"]
    ticket = deps.tickets.get(number)
    assert ticket.status is Status.CLOSED
    assert ticket.timers == {}
    closed = deps.tickets.history(number)[-1]
    assert (closed.kind, closed.public, closed.data["auto"]) == (ev.CLOSED, True, True)
    assert (closed.data["from"], closed.data["to"]) == ("needs-info", "closed")
    assert run(deps, utc(2027, 2, 1, 9)).fired == []
    assert (count(deps, number, ev.NUDGED), count(deps, number, ev.CLOSED)) == (1, 1)


def test_an_answer_before_the_nudge_removes_the_needs_info_timers_at_the_next_review(deps):
    number = waiting_for_information(deps)
    run(deps, THU_17)
    answered = utc(2026, 12, 21, 9)
    act(deps, number, "add_info", answered, actor=ANA, values={"capacity_needs": "500 GB"})
    run(deps, answered)
    pending = deps.tickets.get(number).timers
    assert not [k for k in pending if k.startswith(("nudge:", "auto-close:"))]
    run(deps, utc(2026, 12, 22, 9))
    run(deps, utc(2027, 1, 4, 9))
    assert count(deps, number, ev.NUDGED) == 0
    assert count(deps, number, ev.CLOSED) == 0
    assert deps.tickets.get(number).status is Status.NEW


# --- drop-dead -----------------------------------------------------------------------------


def test_the_owner_is_reminded_of_the_drop_dead_date_once(deps):
    # Drop-dead Mon 28: three working days before is Tue 22 (Fri 25 a holiday), 09:00 Amsterdam.
    number = file(deps, MON_14, drop_dead_date="2026-12-28")
    act(deps, number, "take", MON_14, actor=staff(deps, "mira"))
    run(deps, MON_14)
    assert deps.tickets.get(number).timers[timers.drop_dead_owner("mira")] == utc(2026, 12, 22, 8)
    assert run(deps, utc(2026, 12, 22, 7, 59)).fired == []
    assert run(deps, utc(2026, 12, 22, 8)).fired == [f"#{number} {timers.drop_dead_owner('mira')}"]
    near = deps.tickets.history(number)[-1]
    assert (near.kind, near.public, near.data["drop_dead_date"]) == (
        ev.DROP_DEAD_NEAR,
        False,
        "2026-12-28",
    )
    later = run(deps, utc(2026, 12, 29, 8)).fired  # the SLA timers fire; the reminder not again
    assert [f for f in later if "drop-dead" in f] == []
    assert count(deps, number, ev.DROP_DEAD_NEAR) == 1


# --- changes between a timer's time and the run --------------------------------------------


def test_a_timer_overtaken_by_a_change_before_the_run_neither_fires_nor_stops_the_run(deps):
    """Resolution warning due Wed 23 16:00:00; the owner resolves at 16:00:30; the run comes
    at 16:01. A resolved ticket is not warned (REMIND needs an open ticket), and the run goes
    on to the next ticket's nudge, due at 16:00:45."""
    mira = staff(deps, "mira")
    resolved = triaged_by_the_service(deps)
    act(deps, resolved, "start", MON_14, actor=staff(deps, "priya"))
    run(deps, MON_14)
    waiting = file(deps, utc(2026, 12, 18, 16, 0, 45))  # nudge 3 working days on: Wed 23
    act(deps, waiting, "request_info", utc(2026, 12, 18, 16, 0, 45), missing=["x"], actor=mira)
    run(deps, utc(2026, 12, 18, 16, 0, 45))
    act(
        deps,
        resolved,
        "resolve",
        utc(2026, 12, 23, 16, 0, 30),
        actor=staff(deps, "priya"),
        checked=[0, 1],
        summary="replica live",
        unfinished=[],
    )

    report = run(deps, utc(2026, 12, 23, 16, 1))  # must not raise

    assert count(deps, resolved, ev.SLA_WARNED) == 0
    assert deps.tickets.get(resolved).status is Status.RESOLVED
    assert deps.tickets.get(resolved).timers == {}
    assert count(deps, waiting, ev.NUDGED) == 1
    assert report.fired == [f"#{waiting} nudge:2026-12-18T16:00:45+00:00"]


def test_an_answer_seconds_after_the_nudge_was_due_but_before_the_run_is_not_nudged(deps):
    """The nudge falls due Tue 22 09:00:00; Ana answers at 09:00:20; the run comes at 09:01."""
    number = waiting_for_information(deps)
    run(deps, THU_17)
    act(deps, number, "add_info", utc(2026, 12, 22, 9, 0, 20), actor=ANA, values={})
    run(deps, utc(2026, 12, 22, 9, 1))
    assert count(deps, number, ev.NUDGED) == 0
    assert deps.tickets.get(number).status is Status.NEW


def test_a_timer_whose_planned_time_moved_later_waits_for_it(deps):
    number = triaged_by_the_service(deps)
    run(deps, MON_14)
    ticket = deps.tickets.get(number)
    # A stale entry (say, from a stricter policy): due now, but a fresh plan says later.
    ticket.timers[FIRST_WARN] = MON_14
    deps.tickets.save(ticket, ticket.replan(ticket.timers))
    assert run(deps, MON_14).fired == []
    assert deps.tickets.get(number).timers[FIRST_WARN] > MON_14
