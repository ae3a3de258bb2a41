"""A mail's files: the parts with a file name (attached or inline), kept within the limits of
services/domain/attachments.py; the text of the mail says which were not kept and why.

Pure: the bytes and their SHA-256 are read here; `receive` stores them before it records the
mail, so the record never names a file that is not kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.message import EmailMessage, MIMEPart

from services.domain.attachments import (
    AttachmentRef,
    Limits,
    new_ref,
    safe_name,
    too_big,
)

SHOWN = 10  # files a note names; the rest are counted
NOT_KEPT_HERE = "this installation keeps no files"


@dataclass(frozen=True)
class MailFiles:
    """What became of a mail's files: the refs of those kept, their bytes (to store before
    the mail is recorded), and each one not kept with the reason."""

    kept: list[AttachmentRef]
    bodies: list[bytes]
    refused: list[tuple[str, str]]

    @property
    def note(self) -> str:
        return not_kept_note(self.refused)


def _bytes(part: MIMEPart) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _named_parts(msg: EmailMessage) -> list[MIMEPart]:
    return [
        part
        for part in msg.walk()
        if not part.is_multipart()
        and part.get_filename()
        and part.get_content_disposition() in ("attachment", "inline")
    ]


def mail_files(msg: EmailMessage, limits: Limits | None) -> MailFiles:
    """The mail's files sorted out: over the size limit, empty, or past what a ticket may
    hold are not kept; none are when there is nowhere to keep them (`limits` None)."""
    kept: list[AttachmentRef] = []
    bodies: list[bytes] = []
    refused: list[tuple[str, str]] = []
    for part in _named_parts(msg):
        name, body = safe_name(str(part.get_filename())), _bytes(part)
        why = _refusal(len(body), len(kept), limits)
        if why:
            refused.append((name, why))
            continue
        kept.append(new_ref(name, part.get_content_type(), len(body), _sha256(body)))
        bodies.append(body)
    return MailFiles(kept, bodies, refused)


def _refusal(size: int, kept: int, limits: Limits | None) -> str:
    if limits is None:
        return NOT_KEPT_HERE
    if size > limits.max_bytes:
        return too_big(size, limits)
    if size == 0:
        return "empty"
    if kept >= limits.per_ticket:
        return f"a ticket holds at most {limits.per_ticket} files"
    return ""


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def not_kept_note(refused: list[tuple[str, str]]) -> str:
    """The files not kept, in words: "[Not kept: a.iso (12 MB; a file may be at most
    10 MB); b.txt (empty)]", or "" when every file was kept."""
    if not refused:
        return ""
    shown = "; ".join(f"{name[:100]} ({why})" for name, why in refused[:SHOWN])
    more = f"; and {len(refused) - SHOWN} more" if len(refused) > SHOWN else ""
    return f"[Not kept: {shown}{more}]"
