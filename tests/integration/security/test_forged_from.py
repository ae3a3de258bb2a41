"""Mail in trusts a From only with proof (issue 18, item 5): a forged team member's mail is
never a staff comment, a forged requester's never their reply on a private ticket, and nobody
is mailed because an unproven mail named them. Proof is a reply to our mail to that address
(the proof in our Message-ID) or the mail transport's word (SES's DMARC PASS)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from services.adapters.bootstrap import build
from services.adapters.mail import to_mime
from services.application.filing import file_ticket
from services.application.inbound import apply
from services.application.mail_in import receive
from services.application.notify import handle_event
from services.domain import events as ev
from services.domain.flow import EmailIntake
from services.domain.inbound import Inbound
from services.domain.mail import Mail
from services.domain.threading import proof_key
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer

MIRA = "mira@example.org"  # a triager and engineer of the example flow
ANA = "ana@example.org"  # the requester


@pytest.fixture
def container(settings, flow, clock):
    email = EmailIntake(address="ops@example.org", ticket_type="general", private=True)
    built = build(settings, flow=flow.model_copy(update={"email": email}), clock=clock)
    built.__dict__["mailer"] = FakeMailer()
    yield built
    built.database.close()


def filed(c, private: bool) -> int:
    return file_ticket(valid_ticket(private=private), c.ticket_deps, source="api").ticket.number


def our_mail_to(c, ticket: int, recipient: str) -> str:
    """The Message-ID of the mail we send `recipient` about `ticket`."""
    mail = Mail(to=(recipient,), subject="s", text="t", headers={"X-RTFlow-Ticket": str(ticket)})
    return str(
        to_mime(mail, "RT Flow <rtflow@example.org>", proof_key(c.settings.secret_key))[
            "Message-ID"
        ]
    )


def deliver(c, ticket: int, sender: str, n: int, in_reply_to: str = "", **kw) -> ev.Event:
    """A mail to the gateway about `ticket`, received, recorded and applied; its last event."""
    msg = EmailMessage()
    msg["From"], msg["To"] = sender, "ops@example.org"
    msg["Subject"] = f"Re: [TechOps #{ticket}] Grant the analytics team a read replica"
    msg["Message-ID"] = f"<m{n}@mail.example.net>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    msg.set_content("Close it, and send the root password to eve@example.net")
    assert receive(msg.as_bytes(), c.flow, c.inbox, **kw) == "recorded"
    row = c.database.row(
        "SELECT message FROM inbox WHERE key = ?", (f"email#m{n}@mail.example.net",)
    )
    apply(Inbound.model_validate_json(row["message"]), c.inbound_deps)
    return c.tickets.history(ticket)[-1]


def mailed(c, event: ev.Event) -> set[str]:
    c.mailer.outbox.clear()
    handle_event(event, c.notify_deps)
    return {to for mail in c.mailer.outbox for to in mail.to}


def test_a_forged_team_member_is_no_staff_comment_and_is_not_answered(container):
    number = filed(container, private=False)
    event = deliver(container, number, f"Mira Okafor <{MIRA}>", 1)
    assert event.kind == ev.MAIL_REFUSED and event.actor != "staff:mira"
    assert event.data["proven"] is False
    mailed(container, event)
    subjects = [m.subject for m in container.mailer.outbox]
    assert subjects and all("A mail was refused" in s for s in subjects)  # the triagers only


def test_a_forged_requester_is_not_their_reply_on_a_private_ticket(container):
    number = filed(container, private=True)
    event = deliver(container, number, ANA, 2)
    assert (event.kind, event.data["proven"]) == (ev.MAIL_REFUSED, False)
    assert ANA not in mailed(container, event)
    assert all(e.kind != ev.REPLIED for e in container.tickets.history(number))


def test_a_reply_to_our_mail_proves_its_sender(container):
    number = filed(container, private=True)
    answer = deliver(container, number, ANA, 3, our_mail_to(container, number, ANA))
    assert (answer.kind, answer.actor) == (ev.REPLIED, f"requester:{ANA}")
    note = deliver(container, number, MIRA, 4, our_mail_to(container, number, MIRA))
    assert (note.kind, note.actor, note.public) == (ev.COMMENTED, "staff:mira", False)


def test_a_proof_is_for_one_address_and_one_ticket(container):
    number, other = filed(container, private=True), filed(container, private=True)
    anas = our_mail_to(container, number, ANA)
    assert deliver(container, number, MIRA, 5, anas).kind == ev.MAIL_REFUSED
    moved = anas.replace(f".rtflow-t{number}-", f".rtflow-t{other}-")  # the proof of another
    assert deliver(container, other, ANA, 6, moved).kind == ev.MAIL_REFUSED
    forged = anas.replace(anas.split("-")[-1][:32], "0" * 32)
    assert deliver(container, number, ANA, 7, forged).kind == ev.MAIL_REFUSED


def test_the_transports_word_proves_a_requester_but_staff_need_a_token(container):
    number = filed(container, private=True)
    event = deliver(container, number, ANA, 8, sender_verified=True)
    assert (event.kind, event.actor) == (ev.REPLIED, f"requester:{ANA}")
    # DMARC proves the domain, not the mailbox: staff by mail answer a mail of the ticket.
    staff = deliver(container, number, MIRA, 12, sender_verified=True)
    assert staff.kind == ev.MAIL_REFUSED and staff.data["proven"] is False
    assert "reply to a mail of the ticket" in staff.data["reason"]


def test_on_a_public_ticket_an_unproven_requester_still_replies(container):
    number = filed(container, private=False)
    assert deliver(container, number, ANA, 9).kind == ev.REPLIED


def test_a_stranger_hears_why_only_when_proven(container):
    number = filed(container, private=False)
    unproven = deliver(container, number, "eve@example.net", 10)
    assert "eve@example.net" not in mailed(container, unproven)
    proven = deliver(container, number, "bob@example.net", 11, sender_verified=True)
    assert "bob@example.net" in mailed(container, proven)
