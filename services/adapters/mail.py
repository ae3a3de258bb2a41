"""Mail transports: SES (on AWS and on the embedded stack) and SMTP, one MIME builder."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from services.domain.mail import Mail, MailNotSent
from services.domain.threading import TICKET_HEADER, message_id, thread_reference


def to_mime(mail: Mail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    domain = sender.rpartition("@")[2].strip("> ") or None
    msg["From"] = sender
    msg["To"] = ", ".join(mail.to)
    msg["Subject"] = " ".join(mail.subject.split())  # a header is one line
    msg["Date"] = formatdate(localtime=False)
    header = mail.headers.get(TICKET_HEADER)
    ticket = int(header) if header and header.isdigit() else None
    # A reply's In-Reply-To names this id, and so its ticket (services/domain/threading.py).
    msg["Message-ID"] = message_id(ticket, domain)
    if ticket and domain:
        msg["References"] = thread_reference(ticket, domain)
    for name, value in mail.headers.items():
        msg[name] = value
    msg.set_content(mail.text)
    if mail.html is not None:
        msg.add_alternative(mail.html, subtype="html")
    return msg


class SesMailer:
    def __init__(self, client, sender: str):
        self.client = client
        self.sender = sender

    def send(self, mail: Mail) -> str:
        from botocore.exceptions import ClientError, EndpointConnectionError

        msg = to_mime(mail, self.sender)
        try:
            response = self.client.send_email(
                FromEmailAddress=self.sender,
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
    ):
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password = starttls, username, password
        self.timeout = timeout

    def send(self, mail: Mail) -> str:
        msg = to_mime(mail, self.sender)
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
