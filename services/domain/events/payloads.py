"""What each kind of event carries, typed: how code reads an event's `data`.

The stored form stays the plain `data` dict (items and queue messages are unchanged); these
models only read it. Every field has the default its readers assumed when the key is absent,
and keys a model does not name are ignored, so an event written by an older version still
reads. Models build their validators on first use (`defer_build`): a Lambda that reads one
kind pays for that kind only.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..attachments import AttachmentRef


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


class Moved(Payload):
    """A change of status adds where the ticket was and where it went (see TicketRecord)."""

    from_status: str | None = Field(default=None, alias="from")
    to_status: str | None = Field(default=None, alias="to")


class Fired(Moved):
    timer: str = ""  # the timer that made the event
    due: str | None = None  # when it was due (the minute job fires it at or after that)


class Filed(Payload):
    source: str = ""  # api, web, email, split or a hook's name
    type: str = ""
    parent: int | None = None  # a sub-ticket's parent
    owner: str | None = None  # a sub-ticket given to an engineer at once
    url: str = ""  # where a tool's ticket came from
    author: str = ""
    attachments: list[AttachmentRef] = []  # the form's files, a new mail's
    labels: dict[str, list[str]] = {}  # a tool's labels of its object (skills come from them)
    follows: int | None = None  # the finished ticket of the same thread, when it fired again
    firing: dict[str, str] = {}  # an alert group's: the alerts firing (fingerprint -> name)


class Acknowledged(Moved):
    recipients: list[str] = []


class InfoRequested(Moved):
    missing: list[str] = []
    message: str = ""  # what a person asked in their own words (triage asks none)
    previous_owner: str | None = None  # an owner who asked gave the ticket back


class InfoAdded(Moved):
    fields: list[str] = []


class Triaged(Moved):
    complexity: str = ""
    reasons: list[str] = []
    skills: list[str] = []
    routing: str = ""
    owner: str | None = None  # the obvious owner, assigned at once


class Assigned(Moved):
    owner: str = ""
    how: str = ""  # taken | assigned
    previous_owner: str | None = None
    override_reason: str = ""  # why the owner's WIP limit was passed


class Started(Moved):
    pass


class Updated(Moved):
    message: str = ""
    eta: str | None = None
    reason: str = ""


class Escalated(Payload):
    to: str = ""  # the engineer asked to take over (escalating keeps the status)
    reason: str = ""


class EscalationAccepted(Moved):
    owner: str = ""
    previous_owner: str = ""


class EscalationDeclined(Moved):
    reason: str = ""
    escalated_by: str = ""


class ReturnedToTriage(Moved):
    reason: str = ""
    previous_owner: str | None = None


class Split(Moved):
    children: list[int] = []


class Linked(Moved):
    depends_on: int | None = None


class Rejected(Moved):
    reason: str = ""


class Resolved(Moved):
    summary: str = ""
    criteria: list[str] = []


class Reopened(Moved):
    reason: str = ""
    # Back to its last owner (they have it again), or not, and then why: the owner is told.
    owner: str | None = None
    previous_owner: str | None = None
    not_back: str = ""
    # Reopened by the tool it came from (an alert that fires again): as a tool's comment.
    url: str = ""
    author: str = ""
    firing: dict[str, str] = {}
    thread: str = ""  # the thread's key, when the tool's delivery found it by its old one


class Closed(Fired):
    auto: bool = False  # closed by the scheduler: the information never came
    reason: str = ""


class Replied(Moved):
    message: str = ""
    woke: bool = False  # the reply brought the ticket back (from waiting or postponed)
    missing: list[str] = []  # still missing when it came back from waiting for information
    attachments: list[AttachmentRef] = []  # a mail's files


class Postponed(Moved):
    until: str | None = None
    reason: str = ""


class Woken(Moved):
    why: str = ""
    until: str | None = None


class Nudged(Fired):
    missing: list[str] = []


class SlaTimer(Fired):
    target: str = ""  # the SLA target, e.g. first_response
    sla_due: str | None = None
    elapsed_seconds: int | None = None
    target_seconds: int | None = None


class DropDeadNear(Fired):
    remind: str = ""
    drop_dead_date: str | None = None


class Commented(Moved):
    message: str = ""
    author: str = ""  # the tool's user
    url: str = ""
    resolved: bool = False  # the alert stopped firing
    via: str = ""  # "mail": a team member's mail
    # A team member's mail: the addresses it went to beside the team's (they have it already).
    recipients: list[str] = []
    # An alert group: the alerts firing after it, and those that joined or stopped since.
    firing: dict[str, str] = {}
    joined: list[str] = []
    stopped: list[str] = []
    thread: str = ""  # the thread's key, when the tool's delivery found it by its old one
    attachments: list[AttachmentRef] = []  # a team member's mail's files


class FieldChange(Payload):
    before: Any = None  # the field's JSON form: text, a list, an ISO date, a flag
    after: Any = None


class Edited(Payload):
    """A correction: each changed field's before and after, and why."""

    changes: dict[str, FieldChange] = {}
    reason: str = ""
    url: str = ""  # edited in the tool it came from: where (an issue's, a comment's link)


class Withdrawn(Moved):
    reason: str = ""
    url: str = ""
    author: str = ""
    resolved: bool = False
    firing: dict[str, str] = {}  # an alert group's, after it: none
    thread: str = ""


class MailRefused(Payload):
    sender: str = Field(default="", alias="from")
    reason: str = ""
    # False: nothing proved the sender sent it (a From anyone may write): nobody answers it.
    proven: bool = True


class Confirmed(Moved):
    confirmed: bool = False


# -- watchers and merging ----------------------------------------------------------------


class WatchersChanged(Payload):
    added: list[str] = []
    removed: list[str] = []
    # Who asked for a removal when it was not staff: "requester" (dropped a CC) or
    # "unsubscribed" (the watcher's own link).
    by: str = ""


class Merged(Moved):
    into: int | None = None  # the ticket the request lives on in now
    into_title: str = ""


class DuplicateMerged(Payload):
    duplicate: int | None = None
    duplicate_title: str = ""
    watchers: list[str] = []  # the addresses that joined this ticket's watchers


# -- attachments ---------------------------------------------------------------------------


class AttachmentAdded(Payload):
    """Files added on their own (the API, a page's upload form)."""

    attachments: list[AttachmentRef] = []


# -- tickets from tools --------------------------------------------------------------------


class ResolvedAtSource(Moved):
    """The tool says it is over (the alert resolved): what it said, and where."""

    reason: str = ""
    message: str = ""
    url: str = ""
    author: str = ""
    resolved: bool = True
    firing: dict[str, str] = {}  # an alert group's, after it: none
    thread: str = ""
