"""Mail in keeps a mail's files: within the limits, stored before the mail is recorded, on
the event the mail makes (a new ticket's filing, the requester's reply, a team member's
comment; never a stranger's refused mail); the text says which were not kept and why."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.inbound import InboundDeps, apply
from services.application.mail_in import read_mail, receive
from services.domain import events as ev
from services.domain.attachments import Limits, attachments
from tests.attachment_fakes import MemoryAttachmentStore
from tests.conftest import valid_ticket
from tests.fakes import FakeInbox, FakeTicketRepository
from tests.unit.mail_builders import our_message_id, read

SMALL = Limits(max_bytes=10, per_ticket=3)
REPLY = "Re: [TechOps #1] Received: Grant the analytics team a read replica"


def mail_with(
    files: list[tuple[str, bytes]],
    *,
    sender="ana@example.org",
    subject="Logs",
    n=1,
    in_reply_to: str = "",
):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ops@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<files-{n}@example.org>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    msg.set_content("Here they are.")
    for name, body in files:
        msg.add_attachment(body, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


class RecordingInbox(FakeInbox):
    def __init__(self, events: list[str]):
        super().__init__(assume_recorded=False)
        self.events = events

    def record(self, message):
        self.events.append("record")
        return super().record(message)


def test_files_within_the_limits_go_with_the_mail_and_the_text_names_the_others(mail_flow):
    raw = mail_with(
        [("ok.txt", b"fine"), ("big.bin", b"x" * 20), ("empty.txt", b""), ("../../etc/x.log", b"y")]
    )
    inbound = read_mail(raw, mail_flow, SMALL)
    assert [(a.name, a.size) for a in inbound.attachments] == [("ok.txt", 4), ("x.log", 1)]
    assert inbound.draft["requirements"] == (
        "Here they are.\n\n"
        "[Not kept: big.bin (20 bytes; a file may be at most 10 bytes); empty.txt (empty)]"
    )


def test_a_mail_keeps_no_more_files_than_a_ticket_holds(mail_flow):
    raw = mail_with([(f"{i}.txt", b"x") for i in range(5)])
    inbound = read_mail(raw, mail_flow, SMALL)
    assert [a.name for a in inbound.attachments] == ["0.txt", "1.txt", "2.txt"]
    assert (
        "3.txt (a ticket holds at most 3 files); 4.txt (a ticket holds at most 3 files)"
        in (inbound.draft["requirements"])
    )


def test_the_bytes_are_stored_before_the_mail_is_recorded(mail_flow):
    events: list[str] = []
    store, inbox = MemoryAttachmentStore(events=events), RecordingInbox(events)
    assert receive(mail_with([("a.txt", b"aaa"), ("b.txt", b"bb")]), mail_flow, inbox, store) == (
        "recorded"
    )
    [inbound] = inbox.recorded.values()
    assert events == [f"put {a.sha256}" for a in inbound.attachments] + ["record"]
    assert [store.files[a.sha256] for a in inbound.attachments] == [b"aaa", b"bb"]


def test_without_a_store_no_file_is_kept_and_the_text_says_so(mail_flow):
    inbox = FakeInbox(assume_recorded=False)
    receive(mail_with([("a.txt", b"aaa")]), mail_flow, inbox, None)
    [inbound] = inbox.recorded.values()
    assert inbound.attachments == []
    assert inbound.draft["requirements"].endswith(
        "[Not kept: a.txt (this installation keeps no files)]"
    )


@pytest.fixture
def deps(mail_flow, clock):
    inbox = FakeInbox()
    tickets = FakeTicketRepository(inbox)
    file_ticket(valid_ticket(), TicketDeps(tickets, mail_flow, clock, "s" * 48), source="api")
    return InboundDeps(tickets, inbox, mail_flow, clock, "s" * 48, limits=SMALL)


def test_a_new_mails_files_are_on_its_filing(mail_flow, clock):
    inbox = FakeInbox()
    tickets = FakeTicketRepository(inbox)
    deps = InboundDeps(tickets, inbox, mail_flow, clock, "s" * 48)
    assert apply(read(mail_with([("a.txt", b"aaa")]), mail_flow), deps) == "filed #1"
    [filed] = tickets.history(1)
    assert filed.kind == ev.TICKET_FILED
    assert [a.ref.name for a in attachments([filed], public_only=True)] == ["a.txt"]


def test_the_requesters_reply_carries_its_files_as_far_as_the_ticket_has_room(deps):
    first = mail_with([("a.txt", b"a"), ("b.txt", b"b")], subject=REPLY, n=2)
    second = mail_with([("c.txt", b"c"), ("d.txt", b"d")], subject=REPLY, n=3)
    assert apply(read(first, deps.flow), deps) == "applied to #1"
    assert apply(read(second, deps.flow), deps) == "applied to #1"
    reply = deps.tickets.history(1)[-1]
    assert (reply.kind, reply.public) == (ev.REPLIED, True)
    assert [a.ref.name for a in attachments([reply])] == ["c.txt"]
    assert reply.data["message"].endswith("[Not kept: d.txt (the ticket holds at most 3 files)]")
    assert len(attachments(deps.tickets.history(1), public_only=True)) == 3


def test_a_team_members_mail_carries_its_files_on_the_internal_note(deps):
    ours = our_message_id(deps.secret_key, 1, "mira@example.org")
    raw = mail_with(
        [("trace.txt", b"t")], sender="mira@example.org", subject=REPLY, n=4, in_reply_to=ours
    )
    apply(read(raw, deps.flow), deps)
    note = deps.tickets.history(1)[-1]
    assert (note.kind, note.public, note.actor) == (ev.COMMENTED, False, "staff:mira")
    assert [a.ref.name for a in attachments([note])] == ["trace.txt"]
    assert attachments(deps.tickets.history(1), public_only=True) == []


def test_a_strangers_refused_mail_brings_no_file(deps):
    raw = mail_with([("x.exe", b"x")], sender="eve@example.net", subject=REPLY, n=5)
    apply(read(raw, deps.flow), deps)
    refused = deps.tickets.history(1)[-1]
    assert refused.kind == ev.MAIL_REFUSED
    assert attachments(deps.tickets.history(1)) == []
