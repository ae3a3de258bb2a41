"""What other tools and mail ask of the queue, in one shape.

A webhook (GitHub, Alertmanager, ...) or an incoming mail becomes an Inbound: it is recorded
once, deduplicated on the tool's delivery id (or the mail's Message-ID), answered at once, and
applied later, once, by services/inbound (file a ticket, add a comment, close, reopen).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from .attachments import AttachmentRef
from .drafts import TEXT_MAX
from .integrations import SOURCES

_Key = Annotated[str, StringConstraints(min_length=1, max_length=500)]
# Read loosely: an odd Cc must not cost the mail it came with.
_Address = Annotated[str, StringConstraints(max_length=254, to_lower=True)]


class InboundAction(StrEnum):
    OPEN = "open"  # file a ticket, or tell the linked one it was reported again
    COMMENT = "comment"  # a comment, an update, a reply by mail
    CLOSE = "close"  # the tool closed its issue
    REOPEN = "reopen"
    RESOLVED = "resolved"  # an alert stopped firing
    EDIT = "edit"  # the tool's issue (its title, its text) or a comment on it was edited


# What a tool says of its own objects, as much as is kept of it.
ALERTS_MAX = 200
_Text = Annotated[str, StringConstraints(max_length=200)]


class Alert(BaseModel):
    """One alert of a group (Alertmanager, Grafana) as the notification tells it: the
    ticket follows which alerts fire, and names those that join or stop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(min_length=1, max_length=100)]  # its fingerprint
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    firing: bool = True


class Edit(BaseModel):
    """One thing a tool's edit changed, as the tool says: what it was, what it is now."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    before: Annotated[str, StringConstraints(max_length=TEXT_MAX)] = ""
    after: Annotated[str, StringConstraints(max_length=TEXT_MAX)]


class Inbound(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Literal[*SOURCES]  # type: ignore[valid-type]
    # Unique per delivery within the source: a redelivery carries the same one.
    delivery: _Key
    action: InboundAction
    # The tool's object ("github:octo/repo#12", an alert group key): one ticket per thread.
    # Keyed by the tool's instance too (an Alertmanager's external URL); `old_thread` is the
    # key without it, by which a ticket filed before instances were told apart is found.
    thread: Annotated[str, StringConstraints(max_length=500)] = ""
    old_thread: Annotated[str, StringConstraints(max_length=500)] = ""
    # A mail reply names its ticket (subject tag or the Message-ID it answers).
    ticket: int | None = Field(None, ge=1)
    # Who, in the tool's words ("octocat", "Alertmanager", "Ada <ada@example.org>").
    author: Annotated[str, StringConstraints(max_length=200)] = ""
    # Mail only: the sender, checked against the ticket's requester and the team.
    author_email: EmailStr | None = None
    # OPEN: the fields of a TicketDraft (validated again by the intake schema when applied).
    draft: dict[str, Any] | None = None
    message: Annotated[str, StringConstraints(max_length=TEXT_MAX)] = ""
    url: Annotated[str, StringConstraints(max_length=2000)] = ""
    # Said in private in the tool (a GitLab internal note): an internal note here too.
    internal: bool = False
    # Mail only: To and Cc. A team member's reply is public when it went to the requester too.
    recipients: Annotated[list[_Address], Field(max_length=50)] = []
    # Mail only: what proves the sender is who From says. The proofs in those of our
    # Message-IDs it answers (services/domain/threading.py), and the mail transport's word
    # (SES: DMARC PASS for the From domain).
    sender_proofs: Annotated[
        tuple[Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")], ...],
        Field(max_length=20),
    ] = ()
    sender_verified: bool = False
    # Hooks whose signature covers the body alone (GitHub, GitLab, Sentry): a copy of a
    # delivery may come again under a fresh delivery id, so the body's digest is a second key,
    # remembered `replay_seconds`: within them the same body is a duplicate.
    replay_key: Annotated[str, StringConstraints(max_length=200)] = ""
    replay_seconds: int = Field(0, ge=0, le=86400)
    # Mail only: the files kept (their bytes stored before the mail was recorded).
    attachments: Annotated[list[AttachmentRef], Field(max_length=1000)] = []
    # Alerting tools: the group's alerts, firing or resolved.
    alerts: Annotated[tuple[Alert, ...], Field(max_length=ALERTS_MAX)] = ()
    # The tool's labels of its object, name -> values (an alert's service, an issue's
    # labels): the skills of a tool's ticket come from them (flow config `skill_labels`).
    labels: Annotated[
        dict[_Text, Annotated[list[_Text], Field(max_length=20)]], Field(max_length=50)
    ] = {}
    # EDIT: the issue's `title` and `requirements` (its text), or a `comment`, as edited.
    edits: dict[Literal["title", "requirements", "comment"], Edit] = {}

    @model_validator(mode="after")
    def _addressed(self) -> Inbound:
        if not self.thread and self.ticket is None and self.action is not InboundAction.OPEN:
            raise ValueError("a comment, close or reopen needs a thread or a ticket")
        if self.action is InboundAction.OPEN and self.draft is None and self.ticket is None:
            raise ValueError("opening a ticket needs a draft")
        if self.action is InboundAction.EDIT and not self.edits:
            raise ValueError("an edit needs what was edited")
        return self

    @property
    def key(self) -> str:
        return f"{self.source}#{self.delivery}"
