"""The event catalogue: for every kind, what it carries, what people read of it in a history,
and who may see it. The one place that knows an event kind's words and visibility."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..attachments import size_words
from ..corrections import told
from ..integrations import SOURCE_LABELS
from . import kinds as k
from . import payloads as p

P = TypeVar("P", bound=p.Payload)


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part.strip())


def _nothing(payload: p.Payload) -> str:
    return ""


def _reason(payload: p.Payload) -> str:
    return str(getattr(payload, "reason", ""))


@dataclass(frozen=True)
class EventSpec(Generic[P]):
    summary: str  # what people read in a history
    payload: type[P]  # how `data` reads
    detail: Callable[[P], str] = _nothing  # the words a reader needs beside the summary
    # True: always public (the requester's history shows it); False: the team's only;
    # None: whoever acts chooses (an update, a postponement, a comment).
    public: bool | None = True
    # Chat rooms quote the detail under the summary: it is what somebody said.
    chat_line: bool = False


def _filed(x: p.Filed) -> str:
    if not x.source or x.source in ("api", "web", "split"):
        return ""
    where = SOURCE_LABELS.get(x.source, x.source)
    return f"From {where}" + (f": {x.url}" if x.url else "")


def _info_requested(x: p.InfoRequested) -> str:
    return _join("Missing: " + ", ".join(f.replace("_", " ") for f in x.missing), x.message)


def _triaged(x: p.Triaged) -> str:
    return f"Assigned to {x.owner}" if x.owner else ""


def _assigned(x: p.Assigned) -> str:
    return f"Owner: {x.owner}"


def _updated(x: p.Updated) -> str:
    return _join(
        x.message, f"ETA {x.eta}" if x.eta else "", f"Reason: {x.reason}" if x.reason else ""
    )


def _postponed(x: p.Postponed) -> str:
    until = f"until {x.until[:16].replace('T', ' ')} UTC" if x.until else ""
    return _join(until, x.reason)


def _replied(x: p.Replied) -> str:
    return x.message


def _commented(x: p.Commented) -> str:
    return _join(f"{x.author}:" if x.author else "", x.message, x.url)


def _edited(x: p.Edited) -> str:
    changes = (told(name, c.before, c.after) for name, c in x.changes.items())
    return _join(*changes, f"Reason: {x.reason}" if x.reason else "")


def _mail_refused(x: p.MailRefused) -> str:
    return f"From {x.sender}: {x.reason}"


def _split(x: p.Split) -> str:
    return "Sub-tickets: " + ", ".join(f"#{n}" for n in x.children)


def _resolved(x: p.Resolved) -> str:
    return x.summary


def _watchers_changed(x: p.WatchersChanged) -> str:
    how = {"requester": " by the requester", "unsubscribed": " by their own link"}.get(x.by, "")
    return _join(
        f"Added: {', '.join(x.added)}" if x.added else "",
        f"Removed{how}: {', '.join(x.removed)}" if x.removed else "",
    )


def _merged(x: p.Merged) -> str:
    return _join(f"Now followed in #{x.into}", x.into_title)


def _duplicate_merged(x: p.DuplicateMerged) -> str:
    joined = f"Now watching: {', '.join(x.watchers)}" if x.watchers else ""
    return _join(f"#{x.duplicate}", x.duplicate_title, joined)


def _attachment_added(x: p.AttachmentAdded) -> str:
    return ", ".join(f"{a.name} ({size_words(a.size)})" for a in x.attachments)


CATALOGUE: dict[str, EventSpec[Any]] = {
    k.TICKET_FILED: EventSpec("Filed", p.Filed, _filed),
    k.TICKET_ACKNOWLEDGED: EventSpec(
        "Acknowledged: the requester and the team were told", p.Acknowledged
    ),
    k.INFO_REQUESTED: EventSpec(
        "Waiting for more information from the requester", p.InfoRequested, _info_requested
    ),
    k.INFO_ADDED: EventSpec("The requester added information", p.InfoAdded),
    k.TRIAGED: EventSpec("Triaged", p.Triaged, _triaged),
    k.ASSIGNED: EventSpec("Assigned", p.Assigned, _assigned),
    k.STARTED: EventSpec("Work started", p.Started),
    k.UPDATED: EventSpec("Update", p.Updated, _updated, public=None, chat_line=True),
    k.ESCALATED: EventSpec("Escalated", p.Escalated, _reason, public=False),
    k.ESCALATION_ACCEPTED: EventSpec("Escalation accepted", p.EscalationAccepted, public=False),
    k.ESCALATION_DECLINED: EventSpec(
        "Escalation declined", p.EscalationDeclined, _reason, public=False
    ),
    k.RETURNED_TO_TRIAGE: EventSpec(
        "Returned to triage", p.ReturnedToTriage, _reason, public=False
    ),
    k.SPLIT: EventSpec("Split into sub-tickets", p.Split, _split),
    k.LINKED: EventSpec("Dependency linked", p.Linked, public=False),
    k.REJECTED: EventSpec("Rejected", p.Rejected, _reason),
    k.RESOLVED: EventSpec("Resolved", p.Resolved, _resolved),
    k.REOPENED: EventSpec("Reopened", p.Reopened, _reason),
    k.CLOSED: EventSpec("Closed", p.Closed, _reason),
    k.REPLIED: EventSpec("The requester wrote", p.Replied, _replied, chat_line=True),
    k.POSTPONED: EventSpec("Postponed", p.Postponed, _postponed, public=None),
    # Public when the postponement was.
    k.WOKEN: EventSpec("Back from postponement", p.Woken, public=None),
    k.NUDGED: EventSpec("Reminded the requester of the missing information", p.Nudged),
    k.SLA_WARNED: EventSpec("SLA warning", p.SlaTimer, public=False),
    k.SLA_BREACHED: EventSpec("SLA breached", p.SlaTimer, public=False),
    k.DROP_DEAD_NEAR: EventSpec("Drop-dead date near", p.DropDeadNear, public=False),
    k.COMMENTED: EventSpec("Comment", p.Commented, _commented, public=None, chat_line=True),
    # The team's record: the requester sees the corrected ticket, not the team's reasons.
    k.EDITED: EventSpec("Corrected", p.Edited, _edited, public=False),
    k.WITHDRAWN: EventSpec("Closed where it came from", p.Withdrawn, _reason),
    k.MAIL_REFUSED: EventSpec(
        "A mail from someone else was refused", p.MailRefused, _mail_refused, public=False
    ),
    k.CONFIRMED: EventSpec("The requester confirmed the resolution", p.Confirmed),
    # Watchers and merging: who is copied is the team's and the requester's business only.
    k.WATCHERS_CHANGED: EventSpec(
        "Watchers changed", p.WatchersChanged, _watchers_changed, public=False
    ),
    k.MERGED: EventSpec("Merged into another ticket", p.Merged, _merged),
    k.DUPLICATE_MERGED: EventSpec(
        "A duplicate was merged into this ticket",
        p.DuplicateMerged,
        _duplicate_merged,
        public=False,
    ),
    # Files on their own: public when the requester adds them, as staff choose otherwise.
    k.ATTACHMENT_ADDED: EventSpec(
        "Attachment added", p.AttachmentAdded, _attachment_added, public=None
    ),
    # Tickets from tools.
    k.RESOLVED_AT_SOURCE: EventSpec(
        "Resolved where it came from", p.ResolvedAtSource, _reason, chat_line=True
    ),
}

# What people read in a history, by event kind.
SUMMARIES = {kind: spec.summary for kind, spec in CATALOGUE.items()}


def spec_of(kind: str) -> EventSpec[Any]:
    """The kind's spec; a kind this version does not know reads as its name, with no detail."""
    spec = CATALOGUE.get(kind)
    return spec if spec is not None else EventSpec(kind, p.Payload, public=None)
