"""A reopened ticket goes back to its last owner when they are still an engineer of the team
with room under their WIP limit; else to triage, and the last owner hears why."""

from __future__ import annotations

import dataclasses

import pytest

from services.application.actions import perform
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.notify import NotifyDeps, handle_event
from services.domain import events as ev
from services.domain.actors import Actor
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer, FakeMailLedger

SECRET = "x" * 48
ANA = Actor.requester("ana@example.org", "Ana Souza")


@pytest.fixture
def deps(tickets, flow, clock):
    return TicketDeps(tickets, flow, clock, SECRET)


def resolved_by_tomas(deps, staff) -> int:
    n = file_ticket(valid_ticket(), deps, source="api").ticket.number
    perform(n, "assign", {"owner": "tomas"}, staff["mira"], deps)
    criteria = list(range(len(deps.tickets.get(n).acceptance_criteria)))
    perform(n, "resolve", {"summary": "Done", "checked": criteria}, staff["tomas"], deps)
    return n


def mails_of(deps, number):
    mailer = FakeMailer()
    notify = NotifyDeps(
        deps.tickets, FakeMailLedger(), mailer, deps.flow, deps.clock, "http://rt", SECRET
    )
    handle_event(deps.tickets.history(number)[-1], notify)
    return mailer


def test_back_to_the_last_owner_with_room(deps, staff):
    n = resolved_by_tomas(deps, staff)
    ticket = perform(n, "reopen", {"reason": "the replica is gone"}, ANA, deps)
    assert (ticket.status.value, ticket.owner) == ("assigned", "tomas")
    assert deps.tickets.wip["tomas"] == 1
    event = deps.tickets.history(n)[-1]
    assert (event.kind, event.data["owner"]) == (ev.REOPENED, "tomas")
    [mail] = mails_of(deps, n).to("tomas@example.org")
    assert mail.subject.endswith("Reopened, yours again: " + ticket.title)


def test_an_owner_at_their_wip_limit_sends_it_to_triage_and_hears_why(deps, staff, flow):
    n = resolved_by_tomas(deps, staff)
    tomas = flow.member("tomas")
    for _ in range(tomas.wip_limit):
        other = file_ticket(valid_ticket(), deps, source="api").ticket.number
        perform(other, "assign", {"owner": "tomas"}, staff["mira"], deps)
    ticket = perform(n, "reopen", {"reason": "the replica is gone"}, ANA, deps)
    assert (ticket.status.value, ticket.owner) == ("triaged", None)
    data = deps.tickets.history(n)[-1].data
    assert data["previous_owner"] == "tomas"
    assert data["not_back"] == f"{tomas.name} is at their WIP limit ({tomas.wip_limit})"
    mailer = mails_of(deps, n)
    [told] = mailer.to("tomas@example.org")
    assert f"it went to triage: {tomas.name} is at their WIP limit" in told.text
    assert mailer.to("mira@example.org")  # the triagers


def test_an_owner_who_left_the_team_sends_it_to_triage(deps, staff, flow):
    n = resolved_by_tomas(deps, staff)
    members = tuple(m for m in flow.team.members if m.id != "tomas")
    without = flow.model_copy(update={"team": flow.team.model_copy(update={"members": members})})
    later = dataclasses.replace(deps, flow=without)
    ticket = perform(n, "reopen", {"reason": "the replica is gone"}, ANA, later)
    assert (ticket.status.value, ticket.owner) == ("triaged", None)
    assert deps.tickets.history(n)[-1].data["not_back"] == (
        "tomas is no longer an engineer of the team"
    )
