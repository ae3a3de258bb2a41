"""Attachments: files on a ticket. The bytes are kept by an AttachmentStore (content-addressed
by their SHA-256); what a ticket knows of a file (an AttachmentRef) rides on the event that
brought it: `ticket.attachment-added` for a file added on its own, the filing's event for the
form's files and a new mail's, the reply's or the comment's for a mail into the thread. A
file is as public as its event: the requester sees the public ones, staff see all.

The bytes are stored before the transaction that records them: a failed transaction leaves a
file nobody points at (harmless), never a record pointing at nothing.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .errors import ValidationFailed

if TYPE_CHECKING:  # the event payloads name AttachmentRef: no import back at run time
    from .events import Event

NAME_MAX = 200  # characters of a kept file name
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_PER_TICKET = 20
AT_ONCE = 5  # files one upload (a form, an API request) may carry; a mail may carry more
OCTET_STREAM = "application/octet-stream"
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")
_SHA256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
_ID = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class AttachmentRef(BaseModel):
    """What an event records of one file: how people name it and where its bytes are."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    id: _ID  # the file's own id on its ticket (the same bytes twice are two files)
    name: Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
    size: Annotated[int, Field(ge=0)]
    content_type: str = OCTET_STREAM  # as the sender said; shown, never served
    sha256: _SHA256  # the store's key


@dataclass(frozen=True)
class Attachment:
    """A file on a ticket: its ref, with who added it, when, and who may see it."""

    ref: AttachmentRef
    at: datetime
    actor: str
    public: bool

    @property
    def id(self) -> str:
        return self.ref.id


@dataclass(frozen=True)
class Limits:
    """How big a file may be and how many a ticket may hold (settings: attachment_max_bytes,
    attachments_per_ticket)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    per_ticket: int = DEFAULT_PER_TICKET
    at_once: int = AT_ONCE


class AttachmentStore(Protocol):
    """Where the bytes are: S3 on AWS, the data directory on the SQLite home."""

    def put(self, body: bytes) -> str:
        """Keep `body` under its SHA-256 (hex), which it returns. Whole or not at all: a
        reader never sees part of a file. The same bytes again change nothing."""

    def open(self, sha256: str) -> IO[bytes] | None:
        """The bytes kept under `sha256`, to read; None when nothing is."""


class TooLarge(ValidationFailed):
    """A file, or a request, bigger than the limits allow (413)."""


def size_words(size: int) -> str:
    """A size as a person reads it: 900 bytes, 12 KB, 3.4 MB."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def too_big(size: int, limits: Limits) -> str:
    """Why a file is too big: "12 MB; a file may be at most 10 MB", never "10 MB; ...
    at most 10 MB" for one just over."""
    most = size_words(limits.max_bytes)
    said = size_words(size)
    return f"{said if said != most else 'more than ' + most}; a file may be at most {most}"


def safe_name(name: str) -> str:
    """A file name fit to show and to offer as a download's name: the last part of any path,
    no control or reserved characters, no leading dots, at most NAME_MAX characters (the
    extension kept), never empty."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/")
    name = PurePosixPath(name).name if "/" in name else name
    name = _shortened(" ".join(name.split()))
    from pathvalidate import sanitize_filename  # ~4 ms: only the paths that keep a file

    return sanitize_filename(name, platform="universal").strip(" .") or "file"


def _shortened(name: str) -> str:
    if len(name) <= NAME_MAX:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = name, ""
    keep = NAME_MAX - (len(suffix) + 1 if suffix else 0)
    return stem[:keep].rstrip(" .") + (f".{suffix}" if suffix else "")


def media_type(declared: str | None) -> str:
    """The type the sender declared, if it reads as one (parameters dropped); else bytes."""
    value = (declared or "").split(";", 1)[0].strip().lower()
    return value if _MEDIA_TYPE.match(value) else OCTET_STREAM


def new_ref(name: str, content_type: str | None, size: int, sha256: str) -> AttachmentRef:
    return AttachmentRef(
        id=uuid.uuid4().hex,
        name=safe_name(name),
        size=size,
        content_type=media_type(content_type),
        sha256=sha256,
    )


def refs_data(refs: Sequence[AttachmentRef]) -> list[dict[str, Any]]:
    """The refs as an event's `data["attachments"]` stores them."""
    return [r.model_dump() for r in refs]


def _refs(event: Event) -> list[AttachmentRef]:
    found = []
    for item in event.data.get("attachments") or ():
        try:
            found.append(AttachmentRef.model_validate(item))
        except ValidationError:
            continue  # not a file this version can serve: left out, never half-shown
    return found


def attachments(history: Iterable[Event], *, public_only: bool = False) -> list[Attachment]:
    """Every file the history recorded, oldest first; `public_only`: those the requester may
    see."""
    return [
        Attachment(ref, e.at, e.actor, e.public)
        for e in history
        if e.data.get("attachments") and (e.public or not public_only)
        for ref in _refs(e)
    ]


def find(history: Iterable[Event], attachment_id: str, *, public_only: bool) -> Attachment | None:
    return next(
        (a for a in attachments(history, public_only=public_only) if a.id == attachment_id), None
    )


def room_left(history: Iterable[Event], limits: Limits) -> int:
    """How many more files the ticket may take."""
    return max(limits.per_ticket - len(attachments(history)), 0)


def check_sizes(files: Iterable[tuple[str, int]], limits: Limits, field: str = "file") -> None:
    """TooLarge naming each file over the limit; ValidationFailed for an empty one."""
    problems = []
    for name, size in files:
        if size > limits.max_bytes:
            problems.append(f"{safe_name(name)} is {too_big(size, limits)}")
        elif size == 0:
            raise ValidationFailed({field: f"{safe_name(name)} is empty"})
    if problems:
        raise TooLarge({field: "; ".join(problems)})


def check_room(count: int, room: int, limits: Limits, field: str = "file") -> None:
    """ValidationFailed when `count` more files would pass the ticket's limit."""
    if count > room:
        have = limits.per_ticket - room
        raise ValidationFailed(
            {
                field: f"a ticket may hold {limits.per_ticket} files; this one has {have}"
                + (f", so {room} more at most" if room else "")
            }
        )
