"""Filing cannot mail-bomb an address (issue 18, item 3): beyond a few tickets an hour for one
requester address, the tickets are filed and worked but their automatic mail to the requester
is skipped; the team's own addresses and a burst of distinct requesters are never limited."""

from __future__ import annotations

import pytest

from services.adapters.bootstrap import build
from services.application.filing import file_ticket
from services.application.notify import handle_event
from services.domain.actors import Actor
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer

VICTIM = "victim@example.net"


@pytest.fixture
def container(settings, flow, clock):
    settings.limit_requester_mail = 3
    built = build(settings, flow=flow, clock=clock)
    built.__dict__["mailer"] = FakeMailer()
    yield built
    built.database.close()


def file_and_notify(c, clock, requester: str, **extra) -> int:
    data = valid_ticket(requester={"name": "V", "email": requester}, **extra)
    number = file_ticket(data, c.ticket_deps, source="api").ticket.number
    handle_event(c.tickets.history(number)[0], c.notify_deps)
    clock.advance(seconds=10)
    return number


def acknowledgements_to(c, address: str) -> int:
    return sum(1 for m in c.mailer.outbox if address in m.to and "Received:" in m.subject)


def test_twenty_filings_for_one_address_mail_it_three_times(container, clock):
    numbers = [file_and_notify(container, clock, VICTIM) for _ in range(20)]
    assert acknowledgements_to(container, VICTIM) == 3
    assert len({*numbers}) == 20  # every ticket is filed
    # The ledger's claims are the record of who was told: the team, not the victim.
    [filed] = container.tickets.history(numbers[-1])
    ledger, team = container.notify_deps.ledger, container.flow.team.mail_list
    assert ledger.claim(numbers[-1], filed.id, VICTIM)  # unclaimed: never mailed
    assert not ledger.claim(numbers[-1], filed.id, team)  # claimed when it was mailed


def test_the_limit_is_per_hour(container, clock):
    for _ in range(4):
        file_and_notify(container, clock, VICTIM)
    clock.advance(hours=1)
    file_and_notify(container, clock, VICTIM)
    assert acknowledgements_to(container, VICTIM) == 4


def test_distinct_requesters_and_the_teams_list_are_never_limited(container, clock):
    for n in range(10):
        file_and_notify(container, clock, f"person-{n}@example.org")
    team_list = container.flow.team.mail_list
    for _ in range(5):
        file_and_notify(container, clock, team_list)
    assert sum(acknowledgements_to(container, f"person-{n}@example.org") for n in range(10)) == 10
    assert acknowledgements_to(container, team_list) >= 5


def test_automatic_questions_to_a_flooded_requester_are_skipped_not_staffs(container, clock):
    numbers = [file_and_notify(container, clock, VICTIM) for _ in range(4)]
    flooded = container.tickets.get(numbers[-1])
    for actor, n in ((Actor.system("triage"), flooded.number), (Actor.system("triage"), 1)):
        ticket = container.tickets.get(n)
        change = ticket.request_info(now=clock.now(), actor=actor, missing=["end_state"])
        container.tickets.save(ticket, change)
        container.mailer.outbox.clear()
        handle_event(change.event, container.notify_deps)
        heard = {a for m in container.mailer.outbox for a in m.to}
        assert (VICTIM in heard) is (n == 1)
