"""What the API returns, as pydantic models: the responses are built from them and the
OpenAPI document is generated from them, so the two cannot drift apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from services.domain.events import Event
from services.domain.flow import TicketType
from services.domain.sla import SlaState
from services.domain.ticket import Ticket

from .attachment_views import AttachmentView, StaffAttachmentView


class RequesterView(BaseModel):
    name: str
    email: str


class HistoryEntry(BaseModel):
    at: datetime
    kind: str
    summary: str
    detail: str = ""


class StaffHistoryEntry(HistoryEntry):
    actor: str
    public: bool
    data: dict[str, Any]


class TicketView(BaseModel):
    id: int
    status: str
    type: str
    title: str
    requirements: str
    end_state: str
    acceptance_criteria: list[str]
    drop_dead_date: date | None
    nice_to_have_date: date | None
    capacity_needs: str
    security_needs: str
    dependencies: list[str]
    requester: RequesterView
    private: bool
    created_at: datetime
    updated_at: datetime
    owner: str | None
    eta: date | None
    postponed_until: datetime | None
    missing: list[str]
    parent: int | None
    children: list[int]
    history: list[HistoryEntry]
    # The files (services/intake/attachment_views.py): filled in by status.py.
    attachments: list[AttachmentView] = []
    # Who else hears of its public updates, and where a merged duplicate went.
    watchers: list[str] = []
    merged_into: int | None = None

    @classmethod
    def of(cls, ticket: Ticket, history: list[Event]) -> TicketView:
        return cls(
            id=ticket.number,
            status=ticket.status.value,
            type=ticket.type,
            title=ticket.title,
            requirements=ticket.requirements,
            end_state=ticket.end_state,
            acceptance_criteria=ticket.acceptance_criteria,
            drop_dead_date=ticket.drop_dead_date,
            nice_to_have_date=ticket.nice_to_have_date,
            capacity_needs=ticket.capacity_needs,
            security_needs=ticket.security_needs,
            dependencies=ticket.dependencies,
            requester=RequesterView(name=ticket.requester.name, email=ticket.requester.email),
            private=ticket.private,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            owner=ticket.owner,
            eta=ticket.eta,
            postponed_until=ticket.postponed_until,
            missing=ticket.missing,
            parent=ticket.parent,
            children=ticket.children,
            watchers=ticket.watchers,
            merged_into=ticket.merged_into,
            history=[
                HistoryEntry(at=e.at, kind=e.kind, summary=e.summary, detail=e.detail)
                for e in history
                if e.public
            ],
        )


class ComplexityView(BaseModel):
    size: str
    points: int
    reasons: list[str]


class EscalationView(BaseModel):
    to: str
    by: str
    reason: str
    at: datetime


class SlaView(BaseModel):
    target: str
    state: str  # running | paused | met | breached
    target_hours: float
    elapsed_hours: float
    remaining_hours: float
    due: datetime | None


class StaffTicketView(TicketView):
    """Everything, internal notes included: for staff only."""

    status_since: datetime | None
    complexity: ComplexityView | None
    skills: list[str]
    escalation: EscalationView | None
    depends_on: list[int]
    sla: list[SlaView]
    sla_breached: list[str]
    timers: dict[str, datetime]
    history: list[StaffHistoryEntry]  # type: ignore[assignment]
    attachments: list[StaffAttachmentView] = []  # type: ignore[assignment]

    @classmethod
    def of(
        cls, ticket: Ticket, history: list[Event], sla: Sequence[SlaState] = ()
    ) -> StaffTicketView:
        public = TicketView.of(ticket, []).model_dump(exclude={"history"})
        c, e = ticket.complexity, ticket.escalation
        return cls(
            **public,
            status_since=ticket.status_since,
            complexity=ComplexityView(size=c.size, points=c.points, reasons=list(c.reasons))
            if c
            else None,
            skills=ticket.skills,
            escalation=EscalationView(to=e.to, by=e.by, reason=e.reason, at=e.at) if e else None,
            depends_on=ticket.depends_on,
            sla=[
                SlaView(
                    target=s.name,
                    state=s.state,
                    target_hours=round(s.target_seconds / 3600, 2),
                    elapsed_hours=round(s.elapsed_seconds / 3600, 2),
                    remaining_hours=round(s.remaining_seconds / 3600, 2),
                    due=s.due,
                )
                for s in sla
            ],
            sla_breached=ticket.sla_breached,
            timers=ticket.timers,
            history=[
                StaffHistoryEntry(
                    at=x.at,
                    kind=x.kind,
                    summary=x.summary,
                    detail=x.detail,
                    actor=x.actor,
                    public=x.public,
                    data=x.data,
                )
                for x in history
            ],
        )


class TicketCreated(BaseModel):
    id: int
    status: str
    status_url: str


class TicketTypeView(BaseModel):
    name: str
    label: str
    description: str
    required: list[str]
    always_private: bool

    @classmethod
    def of(cls, t: TicketType) -> TicketTypeView:
        return cls(
            name=t.name,
            label=t.label,
            description=t.description,
            required=list(t.required_fields),
            always_private=t.always_private,
        )


class TicketTypeList(BaseModel):
    ticket_types: list[TicketTypeView]


class ErrorBody(BaseModel):
    error: str
    errors: dict[str, str] | None = None


class Health(BaseModel):
    status: str


# -- the public queue (services/intake/queue.py) -------------------------------------------
# What anyone may see of a non-private ticket: no requester (not even the name), no text but
# the title, the owner by name only. The JSON API, the page and the Atom feed show the same.


class QueueTicketView(BaseModel):
    number: int
    title: str
    type: str
    type_label: str
    status: str
    owner: str | None  # the member's name from the flow config; None: nobody owns it yet
    owner_id: str | None  # the member id, to filter by (`owner=`)
    filed_at: datetime
    age_days: int
    eta: date | None
    last_update: str  # what the last public step was ("Update", "Resolved", ...)
    last_update_at: datetime | None
    url: str  # the ticket's row on the public queue (the status page needs the requester's token)

    @classmethod
    def of(
        cls,
        ticket: Ticket,
        *,
        names: dict[str, str],
        labels: dict[str, str],
        now: datetime,
        url: str,
    ) -> QueueTicketView:
        return cls(
            number=ticket.number,
            title=ticket.title,
            type=ticket.type,
            type_label=labels.get(ticket.type, ticket.type),
            status=ticket.status.value,
            owner=(names.get(ticket.owner) or "a former team member") if ticket.owner else None,
            owner_id=ticket.owner if ticket.owner in names else None,
            filed_at=ticket.created_at,
            age_days=max((now - ticket.created_at).days, 0),
            eta=ticket.eta,
            last_update=ticket.last_update,
            last_update_at=ticket.last_update_at,
            url=url,
        )


class QueueFilters(BaseModel):
    status: str | None  # "open": every open status; None: any status (only with `ticket`)
    type: str | None
    owner: str | None
    sort: str  # the order applied: oldest | newest | updated | status
    ticket: int | None
    q: str = ""  # the words searched for ("": no search)


class QueuePage(BaseModel):
    """One page of the public queue. Open tickets come with `page`, `pages` and `total`;
    resolved, closed and rejected tickets (which grow forever) page with `next` only, and
    `total` and `pages` are null."""

    tickets: list[QueueTicketView]
    filters: QueueFilters
    page: int | None
    per_page: int
    total: int | None
    pages: int | None
    # Statuses with more open tickets than the queue reads (the oldest are shown).
    truncated: list[str]
    first: str
    previous: str | None
    next: str | None
