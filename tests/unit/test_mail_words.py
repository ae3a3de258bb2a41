"""Each mail says what is true when it is sent, and invites only what the system honours:
the acknowledgements after triage ran, the resolution mail, and the mails of a finished
ticket."""

from __future__ import annotations

import pytest

from services.application.actions import perform
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.inbound import InboundDeps, apply
from services.application.notify import NotifyDeps, handle_event
from services.application.triage import TriageDeps, triage
from services.domain import events as ev
from tests.conftest import valid_ticket
from tests.fakes import FakeInbox, FakeMailer, FakeMailLedger
from tests.unit.mail_builders import mail, read

SECRET = "x" * 48
ANA, LIST = "ana@example.org", "techops@example.org"


class World:
    def __init__(self, tickets, flow, clock):
        self.deps = TicketDeps(tickets, flow, clock, SECRET)
        self.mailer = FakeMailer()
        self.notify = NotifyDeps(
            tickets, FakeMailLedger(), self.mailer, flow, clock, "http://rt", SECRET
        )

    def file(self, **fields) -> int:
        number = file_ticket(valid_ticket(**fields), self.deps, source="api").ticket.number
        return number

    def triage(self, number: int) -> None:
        triage(number, TriageDeps(self.deps.tickets, self.deps.flow, self.deps.clock))

    def deliver_all(self, number: int) -> None:
        for event in self.deps.tickets.history(number):
            handle_event(event, self.notify)

    def last_to(self, address: str):
        return self.mailer.to(address)[-1]


@pytest.fixture
def world(tickets, flow, clock):
    return World(tickets, flow, clock)


def test_the_acknowledgement_sent_after_triage_names_the_owner_not_triage_to_come(world, flow):
    n = world.file()  # a database request: triage gives it to priya at once
    world.triage(n)
    ticket = world.deps.tickets.get(n)
    assert ticket.status.value == "assigned"
    world.deliver_all(n)
    owner = flow.member(ticket.owner).name
    [ack] = [m for m in world.mailer.to(ANA) if "Received:" in m.subject]
    assert f'Its status is "assigned". {owner} has it and will start on it.' in ack.text
    assert "Triage looks at it next" not in ack.text + (ack.html or "")
    [team] = [m for m in world.mailer.to(LIST) if "New " in m.subject]
    assert f"{owner} owns it." in team.text
    assert "waits for triage" not in team.text + (team.html or "")


def test_the_acknowledgement_of_an_incomplete_ticket_says_a_mail_asks_for_what_is_missing(
    world,
):
    n = file_ticket(
        {k: v for k, v in valid_ticket().items() if k != "end_state"},
        world.deps,
        source="email",
        require_complete=False,
    ).ticket.number
    world.triage(n)
    world.deliver_all(n)
    [ack] = [m for m in world.mailer.to(ANA) if "Received:" in m.subject]
    assert 'Its status is "needs-info".' in ack.text
    assert "(end state): a separate mail asks you for it." in ack.text


def test_the_acknowledgement_says_what_the_type_promises(world, flow):
    n = world.file()
    world.deliver_all(n)
    [ack] = [m for m in world.mailer.to(ANA) if "Received:" in m.subject]
    assert "What the team promises for general tickets (counted in working hours:" in ack.text
    assert "a first answer within 8 hours" in ack.text
    assert "resolved within 10 working days" in ack.text
    assert "Europe/Amsterdam" in ack.text


def owned_and_resolved(world, staff) -> int:
    n = world.file()
    world.triage(n)
    owner = world.deps.tickets.get(n).owner
    criteria = list(range(len(world.deps.tickets.get(n).acceptance_criteria)))
    perform(
        n, "resolve", {"summary": "Replica live.", "checked": criteria}, staff[owner], world.deps
    )
    return n


def test_the_resolution_mail_gives_the_summary_then_the_criteria_it_announces(world, staff):
    n = owned_and_resolved(world, staff)
    world.deliver_all(n)
    mail = world.last_to(ANA)
    text = mail.text
    assert mail.subject.endswith("Resolved: Grant the analytics team a read replica")
    summary = text.index("Replica live.")
    announced = text.index("Every acceptance criterion was checked:")
    first = text.index("The replica lags less than 60 s")
    assert summary < announced < first  # what is announced comes right after the announcement
    assert "Confirm it is done, or reopen it if something is not right:" in text


def test_a_finished_tickets_mails_do_not_invite_a_reply_as_if_it_did_anything(world, staff):
    n = world.file()
    perform(n, "reject", {"reason": "Duplicate of #1"}, staff["mira"], world.deps)
    world.deliver_all(n)
    mail = world.last_to(ANA)
    assert mail.subject.endswith("Rejected: Grant the analytics team a read replica")
    assert "Reply to this mail to add to the ticket" not in mail.text + (mail.html or "")
    assert "only reopening it (from the link above) has it looked at again" in mail.text


def test_what_the_rejection_mail_says_of_a_reply_is_what_happens(world, staff, mail_flow):
    n = world.file()
    perform(n, "reject", {"reason": "Duplicate of #1"}, staff["mira"], world.deps)
    raw = mail(
        "It is not a duplicate: #1 is about the other cluster.",
        subject=f"Re: [TechOps #{n}] Rejected: Grant the analytics team a read replica",
        sender="Ana Souza <ana@example.org>",
        message_id="<ana-1@example.org>",
    )
    inbound = InboundDeps(world.deps.tickets, FakeInbox(), mail_flow, world.deps.clock, SECRET)
    assert apply(read(raw, mail_flow), inbound) == f"applied to #{n}"
    replied = world.deps.tickets.history(n)[-1]
    assert (replied.kind, replied.data["message"]) == (
        ev.REPLIED,
        "It is not a duplicate: #1 is about the other cluster.",
    )  # kept with the ticket
    assert world.deps.tickets.get(n).status.value == "rejected"  # not looked at again by itself
    handle_event(replied, world.notify)
    assert world.mailer.to("mira@example.org")  # the team reads it


def test_the_postponement_mail_gives_the_time_on_the_team_clock(world, staff):
    n = world.file()
    world.triage(n)
    owner = world.deps.tickets.get(n).owner
    perform(n, "start", {}, staff[owner], world.deps)
    body = {"until": "2027-02-03T08:00:00+00:00", "reason": "Vendor", "public": True}
    perform(n, "postpone", body, staff[owner], world.deps)
    world.deliver_all(n)
    mail = world.last_to(ANA)
    assert "postponed your ticket until 2027-02-03 09:00 CET." in mail.text
