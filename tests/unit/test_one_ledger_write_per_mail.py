"""notify writes the ledger once per mail it sends (the claim is the record) and once more
only to release a mail the transport certainly did not send."""

from __future__ import annotations

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.notify import NotifyDeps, handle_event
from services.domain.mail import MailNotSent
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer, FakeMailLedger

SECRET = "x" * 48


def _filed(tickets, flow, clock):
    filed = file_ticket(valid_ticket(), TicketDeps(tickets, flow, clock, SECRET), source="api")
    return tickets.history(filed.ticket.number)[0]


def _deps(tickets, flow, clock, mailer, ledger):
    return NotifyDeps(tickets, ledger, mailer, flow, clock, "http://rt.example.org", SECRET)


def test_each_mail_sent_is_one_ledger_write(tickets, flow, clock):
    event, ledger, mailer = _filed(tickets, flow, clock), FakeMailLedger(), FakeMailer()
    handle_event(event, _deps(tickets, flow, clock, mailer, ledger))
    assert len(mailer.outbox) == 2
    assert ledger.writes == 2


def test_a_refused_mail_costs_its_claim_and_its_release(tickets, flow, clock):
    event, ledger = _filed(tickets, flow, clock), FakeMailLedger()
    mailer = FakeMailer(fail_for={"techops@example.org"})
    with pytest.raises(MailNotSent):
        handle_event(event, _deps(tickets, flow, clock, mailer, ledger))
    assert (len(mailer.outbox), ledger.writes) == (1, 3)
    assert (event.ticket, event.id, "techops@example.org") not in ledger.claimed
