"""Triage on the queue: a filed ticket is checked for completeness, assessed, and routed to its
obvious owner if it has one; fakes stand in for the table and the clock."""

from __future__ import annotations

import dataclasses

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.triage import TriageDeps, handle_event
from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.drafts import validate_draft
from services.domain.lifecycle import Status
from services.domain.ticket import Ticket
from tests.conftest import valid_ticket

SECRET = "x" * 48
DATABASE_REQUEST = {
    "type": "database",
    "title": "Read replica for analytics",
    "requirements": "A MySQL replica of the wiki database for the analysts' queries",
}
# The example team's network skill belongs to mira and ada alike: nobody obviously owns it.
NETWORK_REQUEST = {
    "title": "Open a firewall port",
    "requirements": "Open 443 on the edge for the new load balancer",
}
ACCESS_REQUEST = {
    "type": "access",
    "title": "Shell access for a new analyst",
    "requirements": "Shell access and an LDAP account for Lee on the stat hosts",
}


@pytest.fixture
def deps(tickets, flow, clock):
    return TriageDeps(tickets=tickets, flow=flow, clock=clock)


def file(deps, **overrides) -> int:
    """File through the API's path, which refuses incomplete tickets."""
    filed = file_ticket(
        valid_ticket(**overrides),
        TicketDeps(deps.tickets, deps.flow, deps.clock, SECRET),
        source="api",
    )
    return filed.ticket.number


def file_incomplete(deps, **overrides) -> int:
    """File as a source that cannot ask back at once (email) does: incomplete is allowed."""
    now = deps.clock.now()
    draft = validate_draft(
        valid_ticket(**overrides), flow=deps.flow, today=now.date(), require_complete=False
    )
    ticket, event = Ticket.file(
        number=deps.tickets.next_number(),
        draft=draft,
        ticket_type=deps.flow.ticket_type(draft.type),
        now=now,
        token_salt="salt",
        token_digest="digest",
        source="email",
    )
    deps.tickets.add(ticket, event)
    return ticket.number


def deliver_last_event(deps, number):
    event = deps.tickets.history(number)[-1]
    handle_event(event, deps)
    return event


def test_a_complete_ticket_goes_to_its_obvious_owner(deps, tickets):
    number = file(deps, **DATABASE_REQUEST)
    deliver_last_event(deps, number)

    ticket = tickets.get(number)
    assert (ticket.status, ticket.owner) == (Status.ASSIGNED, "priya")
    assert ticket.skills == ["mysql"]
    assert ticket.complexity.size == "medium"
    assert tickets.wip == {"priya": 1}

    [filed, triaged] = tickets.history(number)
    assert (triaged.kind, triaged.actor, triaged.public) == (ev.TRIAGED, "system:triage", True)
    # valid_ticket: one dependency, security and capacity needs, a drop-dead date 30 days out
    assert triaged.data == {
        "owner": "priya",
        "complexity": "medium",
        "reasons": [
            "1 dependency (+1)",
            "security or access needs (+2)",
            "capacity or performance needs (+2)",
        ],
        "skills": ["mysql"],
        "routing": "Priya Raman covers mysql; decided by “replica”, “mysql”, “database”"
        " (mysql) and the database type (mysql)",
        "from": "new",
        "to": "assigned",
    }


def test_an_incomplete_ticket_asks_the_requester_for_what_is_missing(deps, tickets):
    number = file_incomplete(deps, **ACCESS_REQUEST, security_needs="", end_state="tbd")
    deliver_last_event(deps, number)

    ticket = tickets.get(number)
    assert (ticket.status, ticket.owner) == (Status.NEEDS_INFO, None)
    assert ticket.missing == ["end_state", "security_needs"]
    assert ticket.complexity is None
    assert tickets.wip == {}
    requested = tickets.history(number)[-1]
    assert (requested.kind, requested.public) == (ev.INFO_REQUESTED, True)
    assert requested.data["missing"] == ["end_state", "security_needs"]


def test_a_redelivered_filed_event_changes_nothing(deps, tickets):
    number = file(deps, **DATABASE_REQUEST)
    event = deliver_last_event(deps, number)
    before = (tickets.get(number), tickets.history(number), dict(tickets.wip))

    handle_event(event, deps)

    assert (tickets.get(number), tickets.history(number), tickets.wip) == before
    assert tickets.wip == {"priya": 1}


def test_an_ambiguous_ticket_stays_triaged_and_unowned(deps, tickets):
    number = file(deps, **NETWORK_REQUEST)
    deliver_last_event(deps, number)

    ticket = tickets.get(number)
    assert (ticket.status, ticket.owner) == (Status.TRIAGED, None)
    assert ticket.skills == ["network"]
    assert tickets.wip == {}
    triaged = tickets.history(number)[-1]
    assert "owner" not in triaged.data
    assert "Mira Okafor" in triaged.data["routing"]
    assert "Ada Brennan" in triaged.data["routing"]


def test_the_obvious_owner_at_their_wip_limit_is_not_assigned(deps, tickets):
    tickets.wip["priya"] = 3  # her limit
    number = file(deps, **DATABASE_REQUEST)
    deliver_last_event(deps, number)

    ticket = tickets.get(number)
    assert (ticket.status, ticket.owner) == (Status.TRIAGED, None)
    assert tickets.wip == {"priya": 3}
    assert "WIP limit" in tickets.history(number)[-1].data["routing"]


def test_a_sub_ticket_filed_by_a_split_is_left_alone(deps, tickets):
    number = file(deps, **DATABASE_REQUEST)
    [filed] = tickets.history(number)
    from_split = dataclasses.replace(filed, data={**filed.data, "source": "split", "parent": 1})

    handle_event(from_split, deps)

    assert tickets.get(number).status is Status.NEW
    assert tickets.history(number) == [filed]
    assert tickets.wip == {}


def test_added_info_sends_the_ticket_through_triage_again(deps, tickets, clock):
    number = file_incomplete(deps, **ACCESS_REQUEST, security_needs="", end_state="tbd")
    deliver_last_event(deps, number)
    assert tickets.get(number).status is Status.NEEDS_INFO

    clock.advance(days=1)
    ticket = tickets.get(number)
    change = ticket.add_info(
        now=clock.now(),
        actor=Actor.requester("ana@example.org"),
        values={
            "security_needs": "Shell only, no sudo",
            "end_state": "Lee runs her notebooks on stat1008",
        },
    )
    tickets.save(ticket, change)
    deliver_last_event(deps, number)

    ticket = tickets.get(number)
    # access and ldap: jonas covers both
    assert (ticket.status, ticket.owner, ticket.missing) == (Status.ASSIGNED, "jonas", [])
    assert ticket.status_since == clock.now()
    assert tickets.wip == {"jonas": 1}
    assert [e.kind for e in tickets.history(number)] == [
        ev.TICKET_FILED,
        ev.INFO_REQUESTED,
        ev.INFO_ADDED,
        ev.TRIAGED,
    ]


def test_events_other_than_filing_and_added_info_do_not_triage(deps, tickets):
    number = file(deps, **DATABASE_REQUEST)
    [filed] = tickets.history(number)
    acknowledged = dataclasses.replace(filed, kind=ev.TICKET_ACKNOWLEDGED, data={})

    handle_event(acknowledged, deps)

    assert tickets.get(number).status is Status.NEW
    assert tickets.history(number) == [filed]
