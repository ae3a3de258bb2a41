"""What GET /api/v1/tickets answers, as pydantic models (the OpenAPI document is generated
from them): a page of tickets, each in brief, and the cursor of the next page."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from services.domain.ticket import Ticket

from ..views import RequesterView


class FoundTicket(BaseModel):
    number: int
    title: str
    type: str
    status: str
    owner: str | None
    requester: RequesterView
    private: bool
    created_at: datetime
    updated_at: datetime
    url: str  # the whole ticket in the API (staff token)

    @classmethod
    def of(cls, t: Ticket, url: str) -> FoundTicket:
        return cls(
            number=t.number,
            title=t.title,
            type=t.type,
            status=t.status.value,
            owner=t.owner,
            requester=RequesterView(name=t.requester.name, email=t.requester.email),
            private=t.private,
            created_at=t.created_at,
            updated_at=t.updated_at,
            url=url,
        )


class TicketList(BaseModel):
    """One page of the staff search; `next` is the `cursor` of the page after it (null at
    the end) and `next_url` that page's URL with the same filters."""

    tickets: list[FoundTicket]
    next: str | None
    next_url: str | None
