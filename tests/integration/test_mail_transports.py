"""Both mail transports deliver the same MIME message: a text part, an HTML alternative and
our headers. SMTP against a real SMTP server (aiosmtpd); SES against the emulator."""

from __future__ import annotations

from email import message_from_bytes, policy

import boto3
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from infra.local.mailbox import SesMailbox
from services.adapters.mail import SesMailer, SmtpMailer
from services.domain.mail import Mail
from tests.e2e.stack_process import free_port

MAIL = Mail(
    to=("ana@example.org",),
    subject="[TechOps #7] Received: <replica>",
    text="Hello Ana,\nyour ticket is filed.\n",
    html="<p>Hello Ana, your ticket is <b>filed</b>.</p>",
    headers={"Auto-Submitted": "auto-generated", "X-RTFlow-Ticket": "7"},
)


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.mark.slow  # a real SMTP server
def test_smtp_delivers_a_multipart_message():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        message_id = SmtpMailer("127.0.0.1", controller.port, "RT Flow <rtflow@example.org>").send(
            MAIL
        )
    finally:
        controller.stop()
    [received] = inbox.messages
    assert received["Message-ID"] == message_id
    assert received["To"] == "ana@example.org"
    assert received["Subject"] == MAIL.subject
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Date"]
    parsed = message_from_bytes(received.as_bytes(), policy=policy.default)
    assert parsed.get_body(("plain",)).get_content() == MAIL.text
    assert "<b>filed</b>" in parsed.get_body(("html",)).get_content()


def test_ses_sends_the_same_message_and_the_mailbox_shows_it(aws):
    boto3.client("ses").verify_domain_identity(Domain="example.org")
    mailer = SesMailer(boto3.client("sesv2"), "RT Flow <rtflow@example.org>")
    message_id = mailer.send(MAIL)
    [shown] = [m for m in SesMailbox("us-east-1").messages() if m["id"] == message_id]
    assert shown["to"] == ["ana@example.org"]
    assert shown["subject"] == MAIL.subject
    assert shown["text"] == MAIL.text
    assert shown["headers"]["X-RTFlow-Ticket"] == "7"
