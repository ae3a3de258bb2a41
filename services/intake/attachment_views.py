"""What the API says of a ticket's files (services/domain/attachments.py): the requester's
view (the public files, each with a link that carries the status token) and staff's (every
file, who added it, whether the requester sees it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from pydantic import BaseModel

from services.domain.attachments import Attachment, attachments
from services.domain.events import Event


class AttachmentView(BaseModel):
    id: str
    name: str  # sanitised: the download's name
    size: int  # bytes
    content_type: str  # as the sender declared it; every file is served as bytes to download
    added_at: datetime
    url: str  # where to download it (with the same credentials as the ticket)


class StaffAttachmentView(AttachmentView):
    added_by: str  # the actor: staff:<member>, requester:<email>
    public: bool  # whether the requester sees it
    sha256: str


class AttachmentList(BaseModel):
    attachments: list[StaffAttachmentView] | list[AttachmentView]


def _view(a: Attachment, url: str) -> AttachmentView:
    return AttachmentView(
        id=a.id,
        name=a.ref.name,
        size=a.ref.size,
        content_type=a.ref.content_type,
        added_at=a.at,
        url=url,
    )


def requester_files(history: Iterable[Event], url: Callable[[str], str]) -> list[AttachmentView]:
    """The public files; `url` makes a file's link from its id."""
    return [_view(a, url(a.id)) for a in attachments(history, public_only=True)]


def staff_files(history: Iterable[Event], url: Callable[[str], str]) -> list[StaffAttachmentView]:
    return [
        StaffAttachmentView(
            **_view(a, url(a.id)).model_dump(),
            added_by=a.actor,
            public=a.public,
            sha256=a.ref.sha256,
        )
        for a in attachments(history)
    ]
