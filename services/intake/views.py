"""What the API returns, as pydantic models: the responses are built from them and the
OpenAPI document is generated from them, so the two cannot drift apart."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from services.domain.events import Event
from services.domain.flow import TicketType
from services.domain.ticket import Ticket


class RequesterView(BaseModel):
    name: str
    email: str


class HistoryEntry(BaseModel):
    at: datetime
    kind: str
    summary: str


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
    history: list[HistoryEntry]

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
            history=[
                HistoryEntry(at=e.at, kind=e.kind, summary=e.summary) for e in history if e.public
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
