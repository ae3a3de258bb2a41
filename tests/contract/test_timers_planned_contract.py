"""Timers planned by the writer, the same on every home: a filing and a triage saved through
`planned(...)` store the timers the flow's SLA calls for, and the minute job finds nothing to
re-plan, on the fake, on DynamoDB and on SQLite."""

from __future__ import annotations

from services.application.planning import planned
from services.application.timers import SchedulerDeps, run_due
from services.application.triage import TriageDeps, triage
from services.domain import timers
from tests.fakes import FixedClock
from tests.unit.scheduler_builders import FIRST_BREACH, FIRST_WARN, MON_14, file, utc

PLAN = {
    FIRST_WARN: utc(2026, 12, 14, 14, 24),
    FIRST_BREACH: utc(2026, 12, 14, 16),
    timers.sla_warn("resolution"): utc(2026, 12, 23, 16),
    timers.sla_breach("resolution"): utc(2026, 12, 28, 16),
}


def test_a_filed_and_triaged_ticket_is_stored_with_its_plan(tickets, flow):
    deps = SchedulerDeps(
        tickets=planned(tickets, lambda: flow), flow=flow, clock=FixedClock(MON_14)
    )
    number = file(deps, MON_14)
    assert tickets.get(number).timers == PLAN
    triage(number, TriageDeps(tickets=deps.tickets, flow=flow, clock=deps.clock))
    assert tickets.get(number).timers == PLAN  # routed by the service: the clocks run on
    assert number not in tickets.due(MON_14)  # nothing for the minute job to re-plan
    version = tickets.get(number).version
    run_due(deps, MON_14)
    assert tickets.get(number).version == version
