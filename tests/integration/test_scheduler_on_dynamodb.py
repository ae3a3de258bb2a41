"""The minute job on the real table (emulator): runs that overlap fire each timer once, and a
run that dies halfway loses none."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.timers import SchedulerDeps, run_due
from services.domain import events as ev
from services.domain.actors import Actor
from tests.conftest import valid_ticket


def postponed_tickets(container, count: int) -> list[int]:
    """`count` tickets owned by ada, postponed for an hour."""
    flow, tickets, now = container.flow, container.tickets, container.clock.now()
    mira, ada = Actor.staff(flow.member("mira")), Actor.staff(flow.member("ada"))
    numbers = []
    for _ in range(count):
        filed = file_ticket(
            valid_ticket(),
            TicketDeps(tickets, flow, container.clock, container.settings.secret_key),
            source="api",
        )
        ticket = tickets.get(filed.ticket.number)
        tickets.save(
            ticket,
            ticket.assign(now=now, actor=mira, to=flow.member("ada"), override_reason="load"),
        )
        tickets.save(
            ticket,
            ticket.postpone(
                now=now, actor=ada, until=now + timedelta(hours=1), reason="later", public=False
            ),
        )
        numbers.append(ticket.number)
    return numbers


def woken(container, number: int) -> int:
    return sum(e.kind == ev.WOKEN for e in container.tickets.history(number))


@pytest.fixture
def deps(container):
    return SchedulerDeps(tickets=container.tickets, flow=container.flow, clock=container.clock)


@pytest.mark.slow  # threads racing on the emulator
def test_two_runs_at_once_fire_every_timer_exactly_once(container, deps):
    numbers = postponed_tickets(container, 8)
    later = container.clock.now() + timedelta(hours=2)
    start = threading.Barrier(2)
    reports = []

    def one_run():
        start.wait()
        reports.append(run_due(deps, later))

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert [woken(container, n) for n in numbers] == [1] * len(numbers)
    fired = [f for r in reports for f in r.fired if f.endswith(" wake")]
    assert sorted(fired) == sorted(f"#{n} wake" for n in numbers)  # between them, once each
    assert all(container.tickets.get(n).status.value == "assigned" for n in numbers)


def test_a_run_that_dies_halfway_loses_no_timer(container, deps, monkeypatch):
    numbers = postponed_tickets(container, 6)
    later = container.clock.now() + timedelta(hours=2)
    save = container.tickets.save
    saved = []

    def dies_after_three(ticket, change):
        if len(saved) == 3:
            raise SystemExit("the function was killed")
        save(ticket, change)
        saved.append(ticket.number)

    monkeypatch.setattr(container.tickets, "save", dies_after_three)
    with pytest.raises(SystemExit):
        run_due(deps, later)
    monkeypatch.setattr(container.tickets, "save", save)
    run_due(deps, later)
    assert [woken(container, n) for n in numbers] == [1] * len(numbers)
    assert run_due(deps, later).fired == []
