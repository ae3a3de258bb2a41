"""A team member's mail into a ticket's thread: an internal note, unless it went to the
requester as well (To or Cc), and then public, recorded with the addresses it went to."""

from __future__ import annotations

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.inbound import InboundDeps, apply
from services.domain import events as ev
from tests.conftest import valid_ticket
from tests.fakes import FakeInbox, FakeTicketRepository
from tests.unit.mail_builders import mail, our_message_id, read

SUBJECT = "Re: [TechOps #1] Received: Grant the analytics team a read replica"


@pytest.fixture
def deps(mail_flow, clock):
    inbox = FakeInbox()
    tickets = FakeTicketRepository(inbox)
    file_ticket(valid_ticket(), TicketDeps(tickets, mail_flow, clock, "s" * 48), source="api")
    return InboundDeps(tickets, inbox, mail_flow, clock, "s" * 48)


def reply(deps, delivery: str, **headers) -> ev.Event:
    raw = mail(
        "The replica is up; logins next.",
        subject=SUBJECT,
        sender="Mira Okafor <mira@example.org>",
        message_id=f"<{delivery}@mail.example.org>",
        # A reply to our mail to Mira: proof that the mail is hers.
        In_Reply_To=our_message_id(deps.secret_key, 1, "mira@example.org"),
        **headers,
    )
    assert apply(read(raw, deps.flow), deps) == "applied to #1"
    return deps.tickets.history(1)[-1]


def test_the_addresses_a_mail_went_to_are_read_from_to_and_cc(mail_flow):
    raw = mail(
        "Noted.",
        subject=SUBJECT,
        Cc="Ana Souza <ANA@example.org>, tomas@example.org, not an address, ops@example.org",
    )
    assert read(raw, mail_flow).recipients == [
        "ops@example.org",
        "ana@example.org",
        "tomas@example.org",
    ]


def test_a_team_members_mail_to_the_gateway_alone_is_an_internal_note(deps):
    event = reply(deps, "m1", Cc="tomas@example.org")
    assert (event.kind, event.public, event.actor) == (ev.COMMENTED, False, "staff:mira")
    assert event.data == {"message": "The replica is up; logins next.", "via": "mail"}


def test_a_team_members_reply_that_went_to_the_requester_too_is_public(deps):
    event = reply(deps, "m2", Cc="Ana Souza <Ana@Example.org>")
    assert (event.kind, event.public) == (ev.COMMENTED, True)
    assert event.data["recipients"] == ["ops@example.org", "ana@example.org"]
    assert deps.tickets.get(1).last_update == "Comment"  # the public queue sees a step


def test_a_blind_copy_to_the_requester_is_not_seen_and_stays_internal(deps):
    event = reply(deps, "m3", Bcc="ana@example.org")
    assert event.public is False
