"""Mail transports: SES (on AWS and on the embedded stack) and SMTP, one MIME builder.

Every mail is an `EmailMessage` under `email.policy.SMTP` (CRLF, lines of at most 78). Its
addresses are `headerregistry.Address` objects, so a display name with a comma, quotes or any
script is quoted or encoded by the email package, never pasted into a string. Free text
(the subject; any other header that is not ASCII) is encoded by `email.header.Header` into
RFC 2047 encoded words of at most 75 characters, each a whole number of characters, and stored
as it is: the modern policy's own folder (Python 3.11 and 3.12 up to 2026) can split an
encoded word across lines or lose the spaces between words (CPython gh-144156), which is how
`=?utf-8?q?=F0 =9F=9A=80?=` reached people.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from services.domain.mail import Mail, MailNotSent
from services.domain.threading import (
    TICKET_HEADER,
    message_id,
    proof_key,
    reply_proof,
    thread_reference,
)

POLICY = policy.SMTP
# An encoded line is " " + encoded words: 76 keeps each word within RFC 2047's 75 characters.
_ENCODED_LINE = 76


def address(value: str) -> Address:
    """One address (`ops@example.org`, `RT Flow <ops@example.org>`, `"Ops, Night" <…>`) as the
    email package reads it; ValueError in words when `value` is not exactly one address."""
    found = POLICY.header_factory("To", value).addresses
    if len(found) != 1 or not found[0].domain:
        raise ValueError(
            f"{value!r} is not one mail address (quote a display name with a comma: "
            '"Ops, Night" <ops@example.org>)'
        )
    return found[0]


def _set_text(msg: EmailMessage, name: str, value: str) -> None:
    """A free-text header on one line of words, encoded and folded by the email package."""
    value = " ".join(value.split())  # a header is one line
    if value.isascii() and "=?" not in value:
        msg[name] = value
        return
    # Not ASCII, or words that would read as encoded ones: encode it all.
    encoded = Header(value, "utf-8", header_name=name).encode(
        linesep=POLICY.linesep, maxlinelen=_ENCODED_LINE
    )
    msg.set_raw(name, encoded)


def _set_addresses(msg: EmailMessage, name: str, addresses: list[Address]) -> None:
    """An address header; display names that are not ASCII go in encoded words (as `_set_text`
    says why), the addresses themselves as they are."""
    if all(a.display_name.isascii() for a in addresses):
        msg[name] = addresses
        return
    header = Header(header_name=name)
    for i, a in enumerate(addresses):
        if i:
            header.append(",", "us-ascii")
        if a.display_name.isascii():
            header.append(str(a), "us-ascii")
        else:
            header.append(a.display_name, "utf-8")
            header.append(f"<{a.addr_spec}>", "us-ascii")
    msg.set_raw(name, header.encode(linesep=POLICY.linesep, maxlinelen=_ENCODED_LINE))


def to_mime(mail: Mail, sender: str, proof_key: str = "") -> EmailMessage:
    """The mail as sent; with `proof_key`, a mail about a ticket to one recipient carries the
    proof that its recipient received it (services/domain/threading.py)."""
    msg = EmailMessage(policy=POLICY)
    sender_address = address(sender)
    domain = sender_address.domain or None
    _set_addresses(msg, "From", [sender_address])
    _set_addresses(msg, "To", [address(to) for to in mail.to])
    _set_text(msg, "Subject", mail.subject)
    msg["Date"] = formatdate(localtime=False)
    header = mail.headers.get(TICKET_HEADER)
    ticket = int(header) if header and header.isdigit() else None
    # A reply's In-Reply-To names this id, and so its ticket (services/domain/threading.py).
    one = mail.to[0] if len(mail.to) == 1 else ""
    proof = reply_proof(proof_key, ticket, one) if proof_key and ticket and one else ""
    msg["Message-ID"] = message_id(ticket, domain, proof)
    if ticket and domain:
        msg["References"] = thread_reference(ticket, domain)
    for name, value in mail.headers.items():
        _set_text(msg, name, value)
    msg.set_content(mail.text)
    if mail.html is not None:
        msg.add_alternative(mail.html, subtype="html")
    return msg


class SesMailer:
    def __init__(self, client, sender: str, proof_key: str = ""):
        self.client = client
        self.sender = sender
        self.proof_key = proof_key
        self.sender_address = address(sender).addr_spec  # a bad setting fails here, at start

    def send(self, mail: Mail) -> str:
        from botocore.exceptions import ClientError, EndpointConnectionError

        msg = to_mime(mail, self.sender, self.proof_key)
        try:
            response = self.client.send_email(
                # SES takes the display name from the message's own From header.
                FromEmailAddress=self.sender_address,
                Destination={"ToAddresses": list(mail.to)},
                Content={"Raw": {"Data": msg.as_bytes()}},
            )
        except (ClientError, EndpointConnectionError) as e:
            # SES answered with an error, or could not be reached: nothing was sent.
            raise MailNotSent(str(e)) from e
        return response["MessageId"]


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        proof_key: str = "",
    ):
        address(sender)  # a bad setting fails here, at start
        self.host, self.port, self.sender = host, port, sender
        self.proof_key = proof_key
        self.starttls, self.username, self.password = starttls, username, password
        self.timeout = timeout

    def send(self, mail: Mail) -> str:
        msg = to_mime(mail, self.sender, self.proof_key)
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except OSError as e:
            raise MailNotSent(f"cannot reach {self.host}:{self.port}: {e}") from e
        with smtp:
            try:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(msg)
            except (
                smtplib.SMTPRecipientsRefused,
                smtplib.SMTPSenderRefused,
                smtplib.SMTPAuthenticationError,
                smtplib.SMTPNotSupportedError,
            ) as e:
                raise MailNotSent(str(e)) from e
        return msg["Message-ID"]


def mailer_for(settings: Any, ses_client: Callable[[], Any]) -> SesMailer | SmtpMailer:
    """The settings' transport; each mail's Message-ID carries the proof for its recipient,
    keyed by the secret key (services/domain/threading.py)."""
    key = proof_key(settings.secret_key)
    if settings.mail_transport == "smtp":
        return SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            settings.mail_from,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
            proof_key=key,
        )
    return SesMailer(ses_client(), settings.mail_from, proof_key=key)
