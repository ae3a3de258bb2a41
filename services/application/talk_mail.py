"""Who hears of talking and correcting: a staff member's comment and a correction. Asking the
requester by hand is mail_rules.info_requested's.

A public comment goes to the requester (and, as every public mail to them, to the watchers)
and to the owner or the triagers; an internal note to the owner or the triagers only. Nobody
is mailed their own words, nor a team member's mail they were sent already."""

from __future__ import annotations

from services.domain.corrections import told
from services.domain.events import payloads as p
from services.domain.mail import Mail

from .notice import Notice


def _author(n: Notice) -> str:
    return n.event.actor.partition(":")[2]


def staff_comment(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.Commented)
    team = [m for m in n.owner_or_triagers if m != _author(n)]
    if not n.event.public:
        return n.staff(
            team,
            f"Internal note: {n.title}",
            f"{n.by} wrote a note for the team (the requester does not see it):",
            lines=[x.message],
        )
    mails = n.staff(
        team, f"Comment: {n.title}", f"{n.by} wrote to the requester:", lines=[x.message]
    )
    mails.append(
        n.requester(
            f"A message from the team: {n.title}",
            f"{n.by} wrote about your ticket:",
            lines=[x.message],
        )
    )
    # A team member's mail reached those it was sent to; they do not get it twice.
    sent = set(x.recipients)
    n.copies[:] = [m for m in n.copies if not sent & set(m.to)]
    return [m for m in mails if not sent & set(m.to)]


def edited(n: Notice) -> list[Mail]:
    """The owner hears of a correction someone else made to their ticket."""
    owner = n.ticket.owner
    if owner is None or owner == _author(n):
        return []
    x = n.event.payload_as(p.Edited)
    return n.staff(
        [owner],
        f"Corrected: {n.title}",
        f"{n.by} corrected this ticket:",
        items=[told(name, c.before, c.after) for name, c in x.changes.items()],
        lines=[f"Why: {x.reason}"],
    )
