"""Who hears of files added on their own (mail_rules.RULES takes this rule in): the owner (or
the triagers) of the requester's files, the requester of the team's public ones. Files for
the team only are news to nobody outside it. The mail names the files; they are downloaded
from the ticket."""

from __future__ import annotations

from services.domain import events as ev
from services.domain.attachments import size_words
from services.domain.events import payloads as p
from services.domain.mail import Mail

from .notice import Notice


def attachment_added(n: Notice) -> list[Mail]:
    files = [
        f"{a.name} ({size_words(a.size)})"
        for a in n.event.payload_as(p.AttachmentAdded).attachments
    ]
    if n.event.actor.startswith("requester:"):
        return n.staff(
            n.owner_or_triagers,
            f"Files from the requester: {n.title}",
            f"{n.ticket.requester.name} added files to the ticket:",
            items=files,
        )
    if not n.event.public:
        return []
    return [
        n.requester(f"Files added: {n.title}", f"{n.by} added files to your ticket:", items=files)
    ]


RULES = {ev.ATTACHMENT_ADDED: attachment_added}
