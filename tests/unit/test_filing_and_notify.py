"""Filing stores a ticket and one event, which is also its acknowledgement; notify mails it
once, however often the event is delivered, and writes nothing back to the ticket. Fakes
stand in for the table, the ledger and the mail server."""

from __future__ import annotations

import dataclasses

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.notify import NotifyDeps, handle_event
from services.domain.actors import Actor
from services.domain.errors import ValidationFailed
from services.domain.events import TICKET_ACKNOWLEDGED, TICKET_FILED, Event
from services.domain.lifecycle import Status
from services.domain.mail import MailNotSent
from services.domain.tokens import token_digest
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer, FakeMailLedger

SECRET = "x" * 48


def file(tickets, flow, clock, **overrides):
    return file_ticket(
        valid_ticket(**overrides),
        TicketDeps(tickets, flow, clock, SECRET),
        source="api",
    )


def notify_deps(tickets, flow, clock, mailer=None, ledger=None):
    return NotifyDeps(
        tickets=tickets,
        ledger=ledger or FakeMailLedger(),
        mailer=mailer or FakeMailer(),
        flow=flow,
        clock=clock,
        base_url="http://rt.example.org",
        secret_key=SECRET,
    )


def test_filing_stores_a_new_ticket_with_one_filed_event(tickets, flow, clock):
    filed = file(tickets, flow, clock)
    stored = tickets.get(filed.ticket.number)
    assert stored.status is Status.NEW
    assert stored.token_digest == token_digest(filed.token)
    assert filed.token not in repr(stored)  # only the digest is kept
    [event] = tickets.history(stored.number)
    assert (event.kind, event.public, event.actor) == (
        TICKET_FILED,
        True,
        "requester:ana@example.org",
    )
    # Acknowledged as filed, in the same transaction: notify mails from this event.
    assert stored.acknowledged_at == stored.created_at == clock.now()


def test_filing_numbers_tickets_in_sequence(tickets, flow, clock):
    assert [file(tickets, flow, clock).ticket.number for _ in range(3)] == [1, 2, 3]


def test_an_access_request_is_always_private(tickets, flow, clock):
    assert file(tickets, flow, clock, type="access", private=False).ticket.private


def test_invalid_input_stores_nothing(tickets, flow, clock):
    with pytest.raises(ValidationFailed):
        file(tickets, flow, clock, title="")
    assert tickets.tickets == {}


def test_the_requester_and_the_team_are_acknowledged(tickets, flow, clock):
    filed = file(tickets, flow, clock)
    mailer = FakeMailer()
    [event] = tickets.history(filed.ticket.number)
    handle_event(event, notify_deps(tickets, flow, clock, mailer))

    [to_requester] = mailer.to("ana@example.org")
    assert f"#{filed.ticket.number}]" in to_requester.subject
    assert (
        f"http://rt.example.org/tickets/{filed.ticket.number}?token={filed.token}"
        in to_requester.text
    )
    [to_team] = mailer.to("techops@example.org")
    assert "A MySQL read replica" in to_team.text
    assert "The replica lags less than 60 s" in to_team.text
    assert all(m.text and m.html for m in mailer.outbox)

    # No second change: the ledger's claims are the record of the mails.
    assert [e.kind for e in tickets.history(filed.ticket.number)] == [TICKET_FILED]
    assert tickets.get(filed.ticket.number).version == filed.ticket.version


def test_an_event_delivered_twice_sends_each_mail_once(tickets, flow, clock):
    filed = file(tickets, flow, clock)
    deps = notify_deps(tickets, flow, clock)
    [event] = tickets.history(filed.ticket.number)
    handle_event(event, deps)
    handle_event(event, deps)
    assert sorted(m.to for m in deps.mailer.outbox) == [
        ("ana@example.org",),
        ("techops@example.org",),
    ]
    assert [e.kind for e in tickets.history(filed.ticket.number)] == [TICKET_FILED]


def test_a_failed_send_is_retried_and_what_went_out_is_not_sent_again(tickets, flow, clock):
    filed = file(tickets, flow, clock)
    ledger = FakeMailLedger()
    [event] = tickets.history(filed.ticket.number)
    failing = FakeMailer(fail_for={"techops@example.org"})
    with pytest.raises(MailNotSent):
        handle_event(event, notify_deps(tickets, flow, clock, failing, ledger))
    assert len(failing.to("ana@example.org")) == 1

    retry = FakeMailer()
    handle_event(event, notify_deps(tickets, flow, clock, retry, ledger))
    assert [m.to for m in retry.outbox] == [("techops@example.org",)]
    assert ledger.claim(filed.ticket.number, event.id, "techops@example.org") is False


def test_a_mail_that_may_have_gone_out_is_never_sent_again(tickets, flow, clock):
    filed = file(tickets, flow, clock)
    ledger = FakeMailLedger()
    [event] = tickets.history(filed.ticket.number)
    timing_out = FakeMailer(lost_for={"ana@example.org"})
    with pytest.raises(TimeoutError):
        handle_event(event, notify_deps(tickets, flow, clock, timing_out, ledger))
    retry = FakeMailer()
    handle_event(event, notify_deps(tickets, flow, clock, retry, ledger))
    assert retry.to("ana@example.org") == []  # at most once: the claim was kept
    assert len(retry.to("techops@example.org")) == 1


def test_a_changed_secret_sends_no_dead_link(tickets, flow, clock):
    filed = file(tickets, flow, clock)
    [event] = tickets.history(filed.ticket.number)
    deps = dataclasses.replace(notify_deps(tickets, flow, clock), secret_key="y" * 48)
    with pytest.raises(RuntimeError, match="SECRET_KEY changed"):
        handle_event(event, deps)
    assert deps.mailer.outbox == []


def test_events_with_nothing_to_send_send_nothing(tickets, flow, clock):
    filed = file(tickets, flow, clock)
    deps = notify_deps(tickets, flow, clock)
    [event] = tickets.history(filed.ticket.number)
    handle_event(event, deps)
    before = len(deps.mailer.outbox)
    # An acknowledgement of an older history, delivered again: no rule, no mail.
    old = Event(event.ticket, TICKET_ACKNOWLEDGED, clock.now(), "system:notify", True, {})
    handle_event(old, deps)
    assert len(deps.mailer.outbox) == before


def test_the_acknowledgement_leaves_a_change_triage_made_meanwhile_alone(tickets, flow, clock):
    filed = file(tickets, flow, clock)
    [event] = tickets.history(filed.ticket.number)
    original_get = tickets.get
    raced = []

    def get_then_triage_runs(number):
        ticket = original_get(number)
        if not raced:  # triage saves a change right after notify read the ticket
            raced.append(True)
            other = original_get(number)
            tickets.save(
                other,
                other.request_info(
                    now=clock.now(), missing=["end_state"], actor=Actor.system("triage")
                ),
            )
        return ticket

    tickets.get = get_then_triage_runs
    deps = notify_deps(tickets, flow, clock)
    handle_event(event, deps)
    kinds = [e.kind for e in tickets.history(filed.ticket.number)]
    assert kinds == [TICKET_FILED, "ticket.info-requested"]
    assert len(deps.mailer.outbox) == 2
