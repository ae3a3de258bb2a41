"""A mail to send, independent of the transport (SES or SMTP)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class MailNotSent(Exception):
    """The transport refused the mail before sending it: trying again cannot send it twice.
    Any other error leaves it unknown whether the mail went out."""
