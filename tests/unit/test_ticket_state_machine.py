"""The ticket life-cycle under random sequences of filings, actions, replies and time (see
ticket_machine.py for the rules and ticket_invariants.py for what must hold), and the minimal
sequences it found that broke what the docs promise."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from services.domain.lifecycle import Status
from tests.unit.ticket_machine import REASONS, TicketLifecycle

ANA = "ana@example.org"

# A few seconds: enough sequences to reach escalations, splits and the minute job's timers.
SETTINGS = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_every_sequence_of_actions_keeps_the_invariants(flow):
    run_state_machine_as_test(lambda: TicketLifecycle(flow), settings=SETTINGS)


def waiting_for_information(state: TicketLifecycle) -> int:
    number = state.file(requester=ANA, topic="vague", complete=False)
    state.triage(number)  # the end state is missing: needs-info
    return number


def answered_then_resolved(state: TicketLifecycle, number: int) -> None:
    state.requester_action(number, ANA, "reply")  # triaged: a person reads the answer
    state.plain_action(number, "mira", "take")
    state.plain_action(number, "owner", "start")
    state.resolve(number, "owner", checked_all=True)
    state.requester_action(number, ANA, "confirm")


def rejected(state: TicketLifecycle, number: int) -> None:
    state.action_with_reason(number, "mira", "reject", REASONS[0])


def answered_then_withdrawn(state: TicketLifecycle, number: int) -> None:
    state.requester_action(number, ANA, "reply")  # triaged: a person reads the answer
    state.withdraw(number)  # closed where it came from


@pytest.mark.parametrize(
    "finish",
    [
        answered_then_resolved,
        rejected,
        answered_then_withdrawn,
    ],
)
def test_only_a_ticket_closed_for_want_of_an_answer_reopens_waiting_for_one(flow, finish):
    state = TicketLifecycle(flow)
    number = waiting_for_information(state)
    finish(state, number)
    state.requester_action(number, ANA, "reopen")
    state.reopening_waits_for_information_only_after_closing_for_want_of_it()


def test_a_ticket_closed_for_want_of_an_answer_reopens_waiting_for_it(flow):
    state = TicketLifecycle(flow)
    number = waiting_for_information(state)
    for _ in range(4):  # ten working days without an answer
        state.minute_job(hours=24 * 4)
    assert state.repo.tickets[number].status is Status.CLOSED
    state.requester_action(number, ANA, "reopen")
    assert state.repo.tickets[number].status is Status.NEEDS_INFO
    state.reopening_waits_for_information_only_after_closing_for_want_of_it()
