"""Raw mail as clients send it, and reading it as the mail gateway does: what the mail-in
tests (tests/unit/test_mail_in_*.py) build on."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from services.application.mail_in import Ignored, read_mail
from services.domain import threading
from services.domain.drafts import validate_draft
from services.domain.inbound import Inbound, InboundAction

TODAY = date(2026, 11, 27)


def mail(
    text: str | None = "The disk of db1001 is full.",
    *,
    subject: str = "Disk full on db1001",
    sender: str = "Ana Souza <ana@example.org>",
    message_id: str | None = "<CAF1234@mail.example.org>",
    html: str | None = None,
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = "ops@example.org"
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    return msg.as_bytes()


def our_message_id(secret_key: str, ticket: int, recipient: str) -> str:
    """The Message-ID of our mail about `ticket` to `recipient`, with its proof: what a reply
    from that recipient names in In-Reply-To (services/adapters/mail.py to_mime)."""
    key = threading.proof_key(secret_key)
    proof = threading.reply_proof(key, ticket, recipient)
    return threading.message_id(ticket, "example.org", proof)


def read(raw: bytes, flow) -> Inbound:
    result = read_mail(raw, flow)
    assert isinstance(result, Inbound), result
    return result


def ignored(raw: bytes, flow) -> str:
    result = read_mail(raw, flow)
    assert isinstance(result, Ignored), result
    return result.reason


def assert_files_a_valid_draft(inbound: Inbound, flow) -> None:
    assert inbound.action is InboundAction.OPEN
    validate_draft(inbound.draft, flow=flow, today=TODAY, require_complete=False)
