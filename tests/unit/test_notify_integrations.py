"""Who hears of what other tools and mail did to a ticket; and outgoing mail that lets a
reply find its ticket again."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from services.adapters.mail import to_mime
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.mail_rules import RULES
from services.application.notify import NotifyDeps, handle_event
from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.events import CATALOGUE, Event
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


# Kinds with no rule in mail_rules.RULES: nobody hears of them.
SILENT = sorted(kind for kind in CATALOGUE if kind not in RULES)


def test_nobody_hears_of_acknowledgements_added_information_starts_splits_links_confirmations():
    assert (
        sorted(
            {ev.TICKET_ACKNOWLEDGED, ev.INFO_ADDED, ev.STARTED, ev.SPLIT, ev.LINKED, ev.CONFIRMED}
        )
        == SILENT
    )


@pytest.mark.parametrize("kind", SILENT)
def test_kinds_without_a_rule_read_nothing_and_mail_nobody(flow, clock, kind, monkeypatch):
    """handle_event does not read the ticket (nor its history) for these, for an owned ticket
    and with the data those events carry."""
    tickets, mailer, deps, ticket = setup(flow, clock)
    tickets.save(ticket, ticket.take(now=clock.now(), actor=Actor.staff(flow.member("priya"))))

    def no_read(*args, **kwargs):
        raise AssertionError(f"{kind}: the ticket was read")

    for name in ("get", "history"):
        monkeypatch.setattr(tickets, name, no_read)
    event = Event(ticket.number, kind, clock.now(), "staff:priya", True, {"how": "assigned"})
    handle_event(event, deps)
    assert mailer.outbox == []
