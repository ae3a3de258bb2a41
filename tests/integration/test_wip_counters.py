"""The WIP counters on the real table always equal each member's open owned tickets, and a
split that gives two sub-tickets to one engineer is one transaction, not a 500."""

from __future__ import annotations

import pytest

from services.application import actions
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.triage import TriageDeps, triage
from services.domain.actors import Actor
from services.domain.errors import WipLimitReached
from services.domain.lifecycle import Status
from tests.conftest import valid_ticket


@pytest.fixture
def deps(container):
    return TicketDeps(
        tickets=container.tickets,
        flow=container.flow,
        clock=container.clock,
        secret_key=container.settings.secret_key,
    )


def staff(container, member: str) -> Actor:
    return Actor.staff(container.flow.member(member))


def triaged(container) -> int:
    """A ticket that triage leaves unowned: it names no skill."""
    neutral = valid_ticket(
        title="Tidy the change log",
        requirements="Tidy the team's change log page.",
        capacity_needs="",
        security_needs="",
        dependencies=[],
    )
    filed = file_ticket(
        neutral,
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    )
    triage(
        filed.ticket.number,
        TriageDeps(tickets=container.tickets, flow=container.flow, clock=container.clock),
    )
    assert container.tickets.get(filed.ticket.number).status is Status.TRIAGED
    return filed.ticket.number


def open_owned(container, member: str) -> int:
    return len(container.tickets.by_owner(member))


def test_a_split_giving_two_sub_tickets_to_one_engineer_moves_the_counter_by_two(container, deps):
    number = triaged(container)
    actions.perform(number, "take", {}, staff(container, "jonas"), deps)
    body = {
        "children": [
            {"title": "Part one", "requirements": "The first half of it", "owner": "tomas"},
            {"title": "Part two", "requirements": "The second half of it", "owner": "tomas"},
        ]
    }
    actions.perform(number, "split", body, staff(container, "jonas"), deps)
    assert container.tickets.open_counts(["tomas"])["tomas"] == open_owned(container, "tomas") == 2


def test_a_split_that_would_pass_the_limit_is_refused_whole(container, deps):
    number = triaged(container)
    actions.perform(number, "take", {}, staff(container, "ada"), deps)  # ada's limit is 2
    body = {
        "children": [
            {"title": f"Part {i}", "requirements": "A part of the work", "owner": "ada"}
            for i in range(2)
        ]
    }
    with pytest.raises(WipLimitReached):
        actions.perform(number, "split", body, staff(container, "ada"), deps)
    assert container.tickets.get(number).children == []
    assert container.tickets.open_counts(["ada"])["ada"] == open_owned(container, "ada") == 1


def test_the_counters_follow_every_way_a_ticket_is_given_and_taken_back(container, deps):
    mira, jonas, tomas = (
        staff(container, "mira"),
        staff(container, "jonas"),
        staff(container, "tomas"),
    )
    a, b, c, d = (triaged(container) for _ in range(4))
    actions.perform(a, "take", {}, jonas, deps)
    actions.perform(b, "assign", {"owner": "jonas"}, mira, deps)
    actions.perform(b, "assign", {"owner": "tomas"}, mira, deps)  # reassigned
    actions.perform(c, "take", {}, jonas, deps)
    actions.perform(c, "escalate", {"to": "tomas", "reason": "storage"}, jonas, deps)
    actions.perform(c, "accept-escalation", {}, tomas, deps)
    actions.perform(d, "take", {}, jonas, deps)
    actions.perform(d, "return-to-triage", {"reason": "not mine"}, jonas, deps)
    actions.perform(a, "resolve", {"checked": [0, 1], "summary": "done"}, jonas, deps)
    actions.perform(a, "reopen", {"reason": "not quite"}, mira, deps)
    actions.perform(b, "reject", {"reason": "duplicate"}, tomas, deps)
    counts = container.tickets.open_counts(["jonas", "tomas"])
    assert counts == {
        "jonas": open_owned(container, "jonas"),
        "tomas": open_owned(container, "tomas"),
    }
    assert counts == {"jonas": 1, "tomas": 1}  # a, reopened, is back with jonas
