"""Who hears of watchers and merges (mail_rules.RULES takes these rules in), and the mail
that tells each address copied at filing why it hears of the ticket."""

from __future__ import annotations

from services.domain import events as ev
from services.domain.events import payloads as p
from services.domain.mail import Mail

from .notice import Notice


def copied_at_filing(n: Notice) -> list[Mail]:
    """Each CC named at filing learns who copied them, on what, and how to stop it."""
    requester = n.ticket.requester
    return [
        n.watcher(
            address,
            f"Copied: {n.title}",
            f"{requester.name} ({requester.email}) copied you on a request to the "
            f"{n.flow.team.name} team.",
            lines=["You will hear of its public updates, as they do."],
        )
        for address in n.ticket.watchers
    ]


def watchers_changed(n: Notice) -> list[Mail]:
    """Whom staff added hears so, with the link that takes them off again."""
    x = n.event.payload_as(p.WatchersChanged)
    return [
        n.watcher(
            address,
            f"Copied: {n.title}",
            f"{n.by} of the {n.flow.team.name} team copied you on "
            f"{n.ticket.requester.name}'s ticket.",
            lines=["You will hear of its public updates."],
        )
        for address in x.added
    ]


def merged(n: Notice) -> list[Mail]:
    """The duplicate's requester (and, as copies, its watchers) hear where it lives now."""
    x = n.event.payload_as(p.Merged)
    return [
        n.requester(
            f"Merged into #{x.into}: {n.title}",
            f"{n.by} merged your ticket into ticket #{x.into}, which asks for the same:",
            items=[f"#{x.into}: {x.into_title}"],
            lines=[
                "The work goes on there, and you will hear of its public updates by mail.",
                "Nothing you wrote is lost: this ticket and its history stay as they were.",
            ],
        )
    ]


def duplicate_merged(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.DuplicateMerged)
    if not n.ticket.owner:
        return []
    joined = f"Now copied on this ticket: {', '.join(x.watchers)}" if x.watchers else ""
    return n.staff(
        [n.ticket.owner],
        f"A duplicate was merged in: {n.title}",
        f"{n.by} merged ticket #{x.duplicate} ({x.duplicate_title}) into this one.",
        lines=[joined],
    )


RULES = {
    ev.WATCHERS_CHANGED: watchers_changed,
    ev.MERGED: merged,
    ev.DUPLICATE_MERGED: duplicate_merged,
}
