"""Who hears of what other tools and mail did to a ticket; and outgoing mail that lets a
reply find its ticket again."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from services.adapters.mail import to_mime
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.notify import SILENT_KINDS, NotifyDeps, follow_up_mails, handle_event
from services.domain.actors import Actor
from services.domain.events import Event
from services.domain.mail import Mail
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer, FakeMailLedger, FakeTicketRepository

SECRET = "x" * 48


def setup(flow, clock):
    tickets, mailer = FakeTicketRepository(), FakeMailer()
    ticket = file_ticket(
        valid_ticket(), TicketDeps(tickets, flow, clock, SECRET), source="api"
    ).ticket
    deps = NotifyDeps(
        tickets=tickets,
        ledger=FakeMailLedger(),
        mailer=mailer,
        flow=flow,
        clock=clock,
        base_url="http://rt.example.org",
        secret_key=SECRET,
    )
    return tickets, mailer, deps, ticket


def test_a_comment_from_a_tool_reaches_the_owner(flow, clock):
    tickets, mailer, deps, ticket = setup(flow, clock)
    tickets.save(ticket, ticket.take(now=clock.now(), actor=Actor.staff(flow.member("priya"))))
    change = ticket.comment(
        now=clock.now(),
        actor=Actor.source("github", "octocat"),
        message="Still broken on main",
        public=True,
        data={"author": "octocat", "url": "https://github.com/o/r/issues/1#c1"},
    )
    tickets.save(ticket, change)
    handle_event(change.event, deps)
    (mail,) = mailer.outbox
    assert mail.to == ("priya@example.org",)
    assert "octocat commented in GitHub:" in mail.text
    assert "Still broken on main" in mail.text
    assert "https://github.com/o/r/issues/1#c1" in mail.text


def test_a_stranger_hears_politely_why_their_mail_was_not_added_and_the_triagers_hear_of_it(
    flow, clock
):
    tickets, mailer, deps, ticket = setup(flow, clock)
    change = ticket.refuse_mail(now=clock.now(), sender="eve@example.net", reason="not theirs")
    tickets.save(ticket, change)
    handle_event(change.event, deps)
    refusal = mailer.to("eve@example.net")[0]
    assert refusal.subject.endswith(f"Not added: your mail about ticket #{ticket.number}")
    assert "only its requester and the TechOps team may write to it" in refusal.text
    assert ticket.title not in refusal.text  # a stranger learns nothing about the ticket
    triagers = {m.email for m in flow.members_with_role("triager")}
    assert {r for m in mailer.outbox for r in m.to} == {"eve@example.net", *triagers}
    handle_event(change.event, deps)  # redelivered: nobody hears twice
    assert len(mailer.outbox) == 1 + len(triagers)


def test_outgoing_mail_carries_its_ticket_in_the_message_id_and_one_thread_per_ticket():
    mail = Mail(to=("a@example.org",), subject="s", text="t", headers={"X-RTFlow-Ticket": "42"})
    raw = to_mime(mail, "RT Flow <rtflow@example.org>").as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert re.fullmatch(r"<[^>]+\.rtflow-t42@example\.org>", parsed["Message-ID"])
    assert parsed["References"] == "<thread.rtflow-t42@example.org>"


@pytest.mark.parametrize("kind", sorted(SILENT_KINDS))
def test_kinds_notify_skips_without_reading_the_ticket_would_mail_nobody(flow, clock, kind):
    """handle_event returns early for these; follow_up_mails agrees they mail nobody, for an
    owned ticket and with the data those events carry."""
    tickets, mailer, deps, ticket = setup(flow, clock)
    tickets.save(ticket, ticket.take(now=clock.now(), actor=Actor.staff(flow.member("priya"))))
    event = Event(ticket.number, kind, clock.now(), "staff:priya", True, {"how": "assigned"})
    assert follow_up_mails(event, tickets.get(ticket.number), deps) == []
