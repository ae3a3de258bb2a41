"""No address outside the team gets more than a few automatic mails an hour (issue 18, item 3):
a flood of filings, each from a new requester with the victim in CC, and a flood of refused
mails from one proven sender each stop mailing the victim at the budget; the team's addresses
and staff writing by hand are never limited."""

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
    settings.limit_recipient_mail = 3
    built = build(settings, flow=flow, clock=clock)
    built.__dict__["mailer"] = FakeMailer()
    yield built
    built.database.close()


def mails_to(c, address: str, subject: str = "") -> int:
    return sum(1 for m in c.mailer.outbox if address in m.to and subject in m.subject)


def file_and_notify(c, clock, requester: str, **extra) -> int:
    data = valid_ticket(requester={"name": "R", "email": requester}, **extra)
    number = file_ticket(data, c.ticket_deps, source="api").ticket.number
    handle_event(c.tickets.history(number)[0], c.notify_deps)
    clock.advance(seconds=10)
    return number


def test_a_flood_of_filings_with_the_victim_in_cc_mails_it_three_times(container, clock):
    numbers = [
        file_and_notify(container, clock, f"sender-{n}@example.org", cc=[VICTIM]) for n in range(20)
    ]
    assert mails_to(container, VICTIM, "Copied:") == 3
    outbox = container.mailer.outbox
    told = [any(VICTIM in m.to and f"#{n}]" in m.subject for m in outbox) for n in numbers]
    assert told == [True] * 3 + [False] * 17  # the first three tickets' copies, no more
    # Every requester is new: each heard of their own ticket.
    assert all(mails_to(container, f"sender-{n}@example.org") for n in range(20))


def test_the_budget_is_per_hour(container, clock):
    for n in range(5):
        file_and_notify(container, clock, f"sender-{n}@example.org", cc=[VICTIM])
    clock.advance(hours=1)
    file_and_notify(container, clock, "sender-late@example.org", cc=[VICTIM])
    assert mails_to(container, VICTIM, "Copied:") == 4


def refuse(c, clock, number: int, sender: str):
    ticket = c.tickets.get(number)
    change = ticket.refuse_mail(now=clock.now(), sender=sender, reason="not the requester")
    c.tickets.save(ticket, change)
    handle_event(change.event, c.notify_deps)
    clock.advance(seconds=5)


def test_bounces_to_one_sender_are_capped(container, clock):
    numbers = [file_and_notify(container, clock, f"r-{n}@example.org") for n in range(4)]
    for _ in range(5):
        for number in numbers:
            refuse(container, clock, number, VICTIM)
    assert mails_to(container, VICTIM, "Not added") == 3
    # The triagers hear of every refusal: the team is never limited.
    triager = next(m.email for m in container.flow.team.members if "triager" in m.roles)
    assert mails_to(container, triager, "A mail was refused") == 20


def test_staff_writing_by_hand_are_always_heard(container, clock):
    number = file_and_notify(container, clock, VICTIM)
    mira = next(m for m in container.flow.team.members if "triager" in m.roles)
    for _ in range(5):
        refuse(container, clock, number, VICTIM)  # spends the victim's budget
    before = mails_to(container, VICTIM)
    for n in range(3):
        ticket = container.tickets.get(number)
        change = ticket.comment(
            now=clock.now(), actor=Actor.staff(mira), message=f"Question {n}?", public=True
        )
        container.tickets.save(ticket, change)
        handle_event(change.event, container.notify_deps)
    assert mails_to(container, VICTIM) == before + 3


def test_zero_turns_the_budget_off(settings, flow, clock):
    settings.limit_recipient_mail = 0
    c = build(settings, flow=flow, clock=clock)
    c.__dict__["mailer"] = FakeMailer()
    try:
        for n in range(12):
            file_and_notify(c, clock, f"sender-{n}@example.org", cc=[VICTIM])
        assert mails_to(c, VICTIM, "Copied:") == 12
    finally:
        c.database.close()
