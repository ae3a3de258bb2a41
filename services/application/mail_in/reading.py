"""What a mail asks of the queue: a reply to a ticket (COMMENT), a new ticket (OPEN), or
nothing (Ignored, with the reason).

- Loops (RFC 3834): automatic mail (Auto-Submitted, Precedence bulk/junk/list/auto_reply,
  vacation responders, bounces and DSNs) and our own notifications coming back are ignored.
- Delivery: the Message-ID, so a redelivered mail is recorded once. A mail without one gets
  `sha256:<digest of the raw bytes>`: byte-identical redeliveries (an SMTP retry, an S3 event
  delivered twice) still deduplicate; a copy that went another way with other Received
  headers would not.
- Threading (services/domain/threading.py): a Message-ID of ours in In-Reply-To or
  References, else the subject tag `[<team> #<n>]`, makes the mail a reply to ticket n. The
  headers win over the subject when both name a ticket and disagree.
- Proof of the sender: the proofs in those of our Message-IDs a reply names (only a recipient
  of our mail about the ticket has them), and the transport's word (`sender_verified`: SES's
  DMARC PASS); services/application/inbound.py trusts From only with one of them.
- New mail (no ticket named) files a ticket when the flow config has `email:`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage

from pydantic import ValidationError

from services.domain import threading
from services.domain.attachments import AttachmentStore, Limits
from services.domain.drafts import validate_draft
from services.domain.errors import ValidationFailed
from services.domain.flow import FlowConfig
from services.domain.inbound import Inbound, InboundAction
from services.domain.ports import Inbox

from . import headers, text
from .copied import copied
from .files import MailFiles, mail_files

log = logging.getLogger(__name__)

SOURCE = "email"
NAME_MAX = 120  # intake.Requester.name
AUTHOR_MAX = 200  # Inbound.author
LIMITS = Limits()  # the settings' are passed in where the mail is received


@dataclass(frozen=True)
class Ignored:
    """A mail we do not act on, and why (logged; an SMTP client still gets 250)."""

    reason: str


@dataclass(frozen=True)
class _Letter:
    """What a mail says, read from its headers and parts."""

    delivery: str
    name: str
    address: str  # lower case
    local_part: str  # as written: a requester's name when the mail gives none
    subject: str
    text: str
    ticket: int | None  # the ticket it answers
    recipients: list[str]  # To and Cc: did a team member's reply go to the requester too?
    cc: list[str]  # a new ticket's CC (copied.py)
    files: MailFiles  # those kept go with it; the text names the others
    proofs: tuple[str, ...]  # from our Message-IDs it answers: From received our mail

    @property
    def author(self) -> str:
        return headers.clean_line(self.name)[:AUTHOR_MAX] or self.address


def read_mail(raw: bytes, flow: FlowConfig, limits: Limits | None = LIMITS) -> Inbound | Ignored:
    """What `raw` asks of the queue: an Inbound to record, or Ignored with the reason. Its
    files within `limits` go with it (none without limits: nowhere to keep them)."""
    return _read(raw, flow, limits)[0]


def _read(
    raw: bytes, flow: FlowConfig, limits: Limits | None
) -> tuple[Inbound | Ignored, list[bytes]]:
    """The Inbound, and the bytes of the files it names."""
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    letter = _letter(msg, raw, flow, limits)
    if isinstance(letter, Ignored):
        return letter, []
    try:
        if letter.ticket is not None:
            return _reply(letter, letter.ticket), letter.files.bodies
        return _new_ticket(letter, flow), letter.files.bodies
    except ValidationFailed as e:
        return Ignored("the mail cannot file a ticket: " + _describe(e.errors)), []
    except ValidationError as e:
        fields = {".".join(str(p) for p in err["loc"]) or "mail": err["msg"] for err in e.errors()}
        return Ignored("the mail does not fit the inbound schema: " + _describe(fields)), []


def receive(
    raw: bytes,
    flow: FlowConfig,
    inbox: Inbox,
    store: AttachmentStore | None = None,
    limits: Limits = LIMITS,
    *,
    sender_verified: bool = False,
) -> str:
    """Read `raw` and record it: "recorded", "duplicate" or "ignored: <reason>". Its files
    are kept in `store` first (without one, the text says they were not kept).
    `sender_verified`: the transport vouches for the From (SES's DMARC verdict PASS).

    Never raises on a bad mail (it is logged and ignored); a failing inbox or store does
    raise, so the SMTP client or the Lambda trigger tries again later."""
    try:
        result, bodies = _read(raw, flow, limits if store is not None else None)
    except Exception:
        log.exception("mail in: unreadable mail (%d bytes), ignored", len(raw))
        return "ignored: unreadable mail"
    if isinstance(result, Ignored):
        log.info("mail in: ignored (%s)", result.reason)
        return f"ignored: {result.reason}"
    if sender_verified:
        result = result.model_copy(update={"sender_verified": True})
    if store is not None:
        for body in bodies:  # before the record that names them
            store.put(body)
    recorded = inbox.record(result)
    log.info(
        "mail in: %s %s %s",
        "recorded" if recorded else "duplicate",
        result.action.value,
        result.key,
    )
    return "recorded" if recorded else "duplicate"


def _letter(
    msg: EmailMessage, raw: bytes, flow: FlowConfig, limits: Limits | None
) -> _Letter | Ignored:
    """The mail read, unless it is one we must not act on."""
    automatic = headers.automatic(msg)
    if automatic:
        return Ignored(automatic)
    delivery = headers.delivery(msg, raw)
    if threading.is_ours(delivery):
        return Ignored("our own notification came back")
    sender = headers.sender(msg)
    if sender is None:
        return Ignored("no usable From address")
    name, address = sender
    refused = _refused_sender(address, flow)
    if refused:
        return Ignored(refused)
    subject = headers.header(msg, "Subject")
    files = mail_files(msg, limits)
    answered = headers.ids(msg, "In-Reply-To"), headers.ids(msg, "References")
    ticket = threading.replied_ticket(*answered) or threading.subject_ticket(
        subject, flow.team.name
    )
    return _Letter(
        delivery=delivery,
        name=name,
        address=address.lower(),
        local_part=address.rsplit("@", 1)[0],
        subject=subject,
        text=text.mail_text(msg, keep_quotes=text.forwarded(subject), note=files.note),
        ticket=ticket,
        recipients=headers.recipients(msg),
        cc=copied(msg, address, flow),
        files=files,
        proofs=tuple(threading.proofs_for(ticket, [*answered[0], *answered[1]])[:20])
        if ticket
        else (),
    )


def _refused_sender(address: str, flow: FlowConfig) -> str | None:
    if not address.isascii():
        return "the sender's address is not written in ASCII (no reply could reach it)"
    address = address.lower()
    if address.rsplit("@", 1)[0] == "mailer-daemon":
        return "a mail system's report (MAILER-DAEMON)"
    if flow.email is not None and address == str(flow.email.address).lower():
        return "the gateway's own address as sender"
    return None


def _reply(letter: _Letter, ticket: int) -> Inbound:
    return Inbound(
        source=SOURCE,
        delivery=letter.delivery,
        action=InboundAction.COMMENT,
        ticket=ticket,
        author=letter.author,
        author_email=letter.address,
        message=letter.text,
        recipients=letter.recipients,
        attachments=letter.files.kept,
        sender_proofs=letter.proofs,
    )


def _new_ticket(letter: _Letter, flow: FlowConfig) -> Inbound | Ignored:
    if flow.email is None:
        return Ignored("mail intake is not configured")
    draft = {
        "type": flow.email.ticket_type,
        "title": text.title(letter.subject),
        "requirements": letter.text,
        "requester": {
            "name": headers.clean_line(letter.name)[:NAME_MAX].strip() or letter.local_part,
            "email": letter.address,
        },
        "private": flow.email.private,
        **({"cc": letter.cc} if letter.cc else {}),
    }
    # The same rules as the form's (completeness aside: triage asks for what is missing).
    # No date fields are set, so "today" changes nothing.
    validate_draft(draft, flow=flow, today=date.today(), require_complete=False)
    return Inbound(
        source=SOURCE,
        delivery=letter.delivery,
        action=InboundAction.OPEN,
        author=letter.author,
        author_email=letter.address,
        draft=draft,
        attachments=letter.files.kept,
    )


def _describe(errors: dict[str, str]) -> str:
    return "; ".join(f"{field} {message}" for field, message in sorted(errors.items()))
