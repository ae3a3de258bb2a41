"""Timers planned by the writer: a change saved through `planned(...)` carries its timers in
its own write, exactly those the scheduler's review would have planned, so the minute job
only fires what is due and never writes a housekeeping change. The history is read only for
a change that needs a plan and is not the ticket's first."""

from __future__ import annotations

import pytest

from services.application.planning import planned
from services.application.timers import SchedulerDeps
from services.application.triage import TriageDeps, triage
from services.domain import timers
from services.domain.lifecycle import Status
from tests.fakes import FakeTicketRepository, FixedClock
from tests.unit.scheduler_builders import (
    FIRST_BREACH,
    FIRST_WARN,
    MON_14,
    act,
    file,
    run,
    staff,
    utc,
)


class CountingStore(FakeTicketRepository):
    def __init__(self):
        super().__init__()
        self.history_reads = 0

    def history(self, number):
        self.history_reads += 1
        return super().history(number)


@pytest.fixture
def store():
    return CountingStore()


@pytest.fixture
def deps(store, flow):
    return SchedulerDeps(tickets=planned(store, lambda: flow), flow=flow, clock=FixedClock(MON_14))


@pytest.fixture
def marked(flow):
    """The same steps saved straight into the store: marked for the scheduler's review."""
    return SchedulerDeps(tickets=FakeTicketRepository(), flow=flow, clock=FixedClock(MON_14))


def routed(deps, at=MON_14) -> int:
    number = file(deps, at)
    triage(number, TriageDeps(tickets=deps.tickets, flow=deps.flow, clock=deps.clock))
    return number


def test_a_filing_is_saved_with_its_sla_timers_and_reads_no_history(deps, store):
    number = file(deps, MON_14)
    assert store.history_reads == 0
    assert deps.tickets.get(number).timers == {
        FIRST_WARN: utc(2026, 12, 14, 14, 24),
        FIRST_BREACH: utc(2026, 12, 14, 16),
        timers.sla_warn("resolution"): utc(2026, 12, 23, 16),
        timers.sla_breach("resolution"): utc(2026, 12, 28, 16),
    }


def test_a_status_change_carries_the_plan_the_scheduler_would_have_made(deps, marked):
    number, same = routed(deps), routed(marked)
    assert timers.REVIEW in marked.tickets.get(same).timers
    report = run(marked, MON_14)  # the review the writer made unnecessary
    assert report.replanned == 1
    assert deps.tickets.get(number).timers == marked.tickets.get(same).timers
    assert run(deps, MON_14).counts == (0, 0, 0)  # nothing due, nothing to re-plan


def test_the_minute_job_only_fires_what_is_due(deps, store):
    number = routed(deps)
    writes = len(store.events[number])
    report = run(deps, utc(2026, 12, 14, 14, 24))
    assert (report.replanned, report.fired) == (0, [f"#{number} {FIRST_WARN}"])
    assert len(store.events[number]) == writes + 1  # the warning's event, nothing else


def test_postponed_and_woken_the_plan_follows_each_change(deps, marked):
    def postpone_and_wake(d) -> int:
        number = routed(d)
        priya = staff(d, "priya")
        act(d, number, "start", MON_14, actor=priya)
        until = utc(2026, 12, 18, 9)
        act(d, number, "postpone", utc(2026, 12, 14, 10), actor=priya, until=until,
            reason="waiting for the vendor", public=True)  # fmt: skip
        run(d, utc(2026, 12, 14, 10))
        assert d.tickets.get(number).timers == {timers.WAKE: until}
        run(d, until)
        assert d.tickets.get(number).status is Status.IN_PROGRESS
        return number

    number, same = postpone_and_wake(deps), postpone_and_wake(marked)
    run(marked, utc(2026, 12, 18, 9))
    assert deps.tickets.get(number).timers == marked.tickets.get(same).timers


def test_a_change_that_moves_no_timer_reads_no_history(deps, store):
    number = routed(deps)
    reads = store.history_reads
    act(deps, number, "update", MON_14, actor=staff(deps, "priya"), message="On it",
        eta=None, reason="waiting for the disks", public=True)  # fmt: skip
    assert store.history_reads == reads
