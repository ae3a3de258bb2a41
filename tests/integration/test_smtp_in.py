"""Mail in on the embedded stack: a real SMTP conversation (smtplib) with SmtpIntake, which
hands the exact bytes to `deliver` and answers 250, 451 or 552."""

from __future__ import annotations

import smtplib
from email import policy
from email.message import EmailMessage

import pytest

from infra.local.smtp_in import SmtpIntake
from services.application.mail_in import receive
from services.domain.inbound import InboundAction
from services.domain.integrations import EmailIntake
from tests.fakes import FakeInbox

# Real SMTP conversations with the stack's SMTP server.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mail_flow(flow):
    return flow.model_copy(
        update={"email": EmailIntake(address="ops@example.org", ticket_type="general")}
    )


def raw_mail(text: str, subject: str, message_id: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ana Souza <ana@example.org>"
    msg["To"] = "ops@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    return msg.as_bytes(policy=policy.SMTP)  # CRLF line ends, as on the wire


class Recorder:
    """deliver: keeps the bytes, then reads and records them as the stack does."""

    def __init__(self, flow):
        self.flow = flow
        self.inbox = FakeInbox()
        self.received: list[bytes] = []

    def __call__(self, raw: bytes) -> str:
        self.received.append(raw)
        return receive(raw, self.flow, self.inbox)


@pytest.fixture
def recorder(mail_flow):
    return Recorder(mail_flow)


@pytest.fixture
def intake(recorder):
    with SmtpIntake("127.0.0.1", 0, deliver=recorder) as smtp:
        yield smtp


def send(port: int, raw: bytes) -> tuple[int, bytes]:
    """Sends `raw` and returns the server's answer to the message (its DATA reply)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo()
        client.mail("ana@example.org")
        client.rcpt("ops@example.org")
        return client.data(raw)


def test_port_zero_binds_a_free_port(intake):
    assert intake.running
    assert intake.port > 0


def test_a_new_mail_and_a_reply_are_delivered_byte_for_byte(intake, recorder):
    # A line that starts with a dot: SMTP's dot-stuffing must be undone, byte for byte.
    new = raw_mail(
        "The disk of db1001 is full.\n.hidden files too\n",
        "Disk full on db1001",
        "<new-1@mail.example.org>",
    )
    reply = raw_mail(
        "Thanks, Monday is fine.\n\nOn Fri, RT Flow wrote:\n> filed\n",
        "Re: [TechOps #42] Received: Disk full on db1001",
        "<reply-1@mail.example.org>",
        In_Reply_To="<1732.5.rtflow-t42@example.org>",
    )

    assert send(intake.port, new) == (250, b"2.0.0 OK: recorded")
    assert send(intake.port, reply) == (250, b"2.0.0 OK: recorded")

    assert recorder.received == [new, reply]
    opened = recorder.inbox.recorded["email#new-1@mail.example.org"]
    assert opened.action is InboundAction.OPEN
    assert opened.draft["requirements"] == "The disk of db1001 is full.\n.hidden files too"
    answered = recorder.inbox.recorded["email#reply-1@mail.example.org"]
    assert (answered.action, answered.ticket) == (InboundAction.COMMENT, 42)
    assert answered.message == "Thanks, Monday is fine."


def test_duplicates_and_ignored_mail_are_accepted_too(intake, recorder):
    mail = raw_mail("Disk full.", "Disk full", "<dup-1@mail.example.org>")
    assert send(intake.port, mail) == (250, b"2.0.0 OK: recorded")
    assert send(intake.port, mail) == (250, b"2.0.0 OK: duplicate")
    vacation = raw_mail(
        "Away.", "Out of office", "<ooo@example.org>", Auto_Submitted="auto-replied"
    )
    code, answer = send(intake.port, vacation)
    assert code == 250
    assert answer.startswith(b"2.0.0 OK: ignored: automatic mail")
    assert len(recorder.inbox.recorded) == 1


def test_sendmail_works_as_any_client_would(intake, recorder):
    mail = raw_mail("Hello.", "Hello", "<sm-1@mail.example.org>")
    with smtplib.SMTP("127.0.0.1", intake.port, timeout=10) as client:
        assert client.sendmail("ana@example.org", ["ops@example.org"], mail) == {}
    assert recorder.received == [mail]


def test_a_failing_delivery_answers_451_so_the_sender_retries():
    def broken(raw: bytes) -> str:
        raise RuntimeError("table unavailable")

    mail = raw_mail("Disk full.", "Disk full", "<fail-1@mail.example.org>")
    with SmtpIntake(deliver=broken) as smtp:
        assert send(smtp.port, mail)[0] == 451
        with (
            smtplib.SMTP("127.0.0.1", smtp.port, timeout=10) as client,
            pytest.raises(smtplib.SMTPDataError) as refused,
        ):
            client.sendmail("ana@example.org", ["ops@example.org"], mail)
    assert refused.value.smtp_code == 451


def test_a_message_over_the_size_limit_is_refused(recorder):
    mail = raw_mail("x" * 5000, "Big", "<big@mail.example.org>")
    with (
        SmtpIntake(deliver=recorder, max_bytes=1000) as smtp,
        smtplib.SMTP("127.0.0.1", smtp.port, timeout=10) as client,
        pytest.raises(smtplib.SMTPSenderRefused) as refused,
    ):
        client.sendmail("ana@example.org", ["ops@example.org"], mail)
    assert refused.value.smtp_code == 552
    assert recorder.received == []


def test_stop_frees_the_port_and_start_again_works(recorder):
    smtp = SmtpIntake(deliver=recorder).start()
    smtp.stop()
    assert not smtp.running
    smtp.start()
    try:
        assert send(smtp.port, raw_mail("Hi.", "Hi", "<again@example.org>"))[0] == 250
    finally:
        smtp.stop()
