"""Time on a Ticket and the requester's words: how long it has been in its status, postponing
and waking, and replies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.domain.errors import Forbidden, ValidationFailed
from services.domain.lifecycle import Status
from tests.conftest import valid_ticket
from tests.fakes import FakeTicketRepository, FixedClock
from tests.unit.ticket_builders import ANA, EARLIER, NOW, TODAY, make_ticket

# -- time in state ---------------------------------------------------------------------------


def test_status_since_moves_only_when_the_status_changes(flow, staff):
    ticket = make_ticket(status=Status.TRIAGED)
    ticket.take(now=NOW, actor=staff["tomas"])
    assert ticket.status_since == NOW
    later = NOW + timedelta(hours=3)
    ticket.update(now=later, actor=staff["tomas"], message="", eta=TODAY, reason="", public=True)
    ticket.escalate(now=later, actor=staff["tomas"], to=flow.member("priya"), reason="help")
    ticket.decline_escalation(now=later, actor=staff["priya"], reason="no")
    assert (ticket.status_since, ticket.updated_at) == (NOW, later)
    ticket.start(now=later, actor=staff["tomas"])
    assert ticket.status_since == later


def test_a_filed_ticket_starts_its_clock_when_it_is_filed(flow, staff):
    tickets, clock = FakeTicketRepository(), FixedClock(EARLIER)
    filed = file_ticket(valid_ticket(), TicketDeps(tickets, flow, clock, "x" * 48), source="api")
    ticket = tickets.get(filed.ticket.number)
    assert (ticket.status, ticket.status_since) == (Status.NEW, EARLIER)
    ticket.take(now=NOW, actor=staff["priya"])
    assert ticket.status_since == NOW


def test_the_requester_writing_to_a_postponed_ticket_wakes_it(staff):
    ticket = make_ticket(status=Status.IN_PROGRESS, owner="jonas")
    ticket.postpone(
        now=NOW, actor=staff["jonas"], until=NOW + timedelta(days=3), reason="vendor", public=True
    )
    change = ticket.reply(now=NOW, actor=ANA, message="The vendor answered.")
    assert ticket.status is Status.IN_PROGRESS
    assert "wake" not in ticket.timers
    assert (change.event.kind, change.event.public, change.event.data["woke"]) == (
        "ticket.replied",
        True,
        True,
    )


def test_only_the_requester_replies_and_an_open_ticket_keeps_its_status(staff):
    ticket = make_ticket(status=Status.ASSIGNED, owner="jonas")
    with pytest.raises(Forbidden):
        ticket.reply(now=NOW, actor=staff["jonas"], message="hi")
    change = ticket.reply(now=NOW, actor=ANA, message="Any news?")
    assert ticket.status is Status.ASSIGNED
    assert "from" not in change.event.data


def test_leaving_postponed_by_reject_forgets_the_postponement(staff):
    ticket = make_ticket(status=Status.IN_PROGRESS, owner="jonas")
    ticket.postpone(
        now=NOW, actor=staff["jonas"], until=NOW + timedelta(days=3), reason="x", public=True
    )
    ticket.reject(now=NOW, actor=staff["mira"], reason="duplicate")
    assert (ticket.postponed_until, ticket.postponed_from, "wake" in ticket.timers) == (
        None,
        None,
        False,
    )


def test_a_postponement_is_at_most_five_years_long(staff):
    ticket = make_ticket(status=Status.IN_PROGRESS, owner="jonas")
    with pytest.raises(ValidationFailed, match="five years"):
        ticket.postpone(
            now=NOW,
            actor=staff["jonas"],
            until=NOW + timedelta(days=6 * 366),
            reason="x",
            public=True,
        )


def test_the_requester_cannot_wake_a_ticket_by_hand(staff):
    ticket = make_ticket(status=Status.IN_PROGRESS, owner="jonas")
    ticket.postpone(
        now=NOW, actor=staff["jonas"], until=NOW + timedelta(days=3), reason="x", public=True
    )
    with pytest.raises(Forbidden):
        ticket.wake(now=NOW, actor=ANA, why="impatient")
    assert ticket.status is Status.POSTPONED
