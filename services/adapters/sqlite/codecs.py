"""Tickets and events to rows and back: the stored format is the database's contract.

A ticket is a JSON document of every field of the domain's Ticket (but its version, which
has a column of its own): times as ISO 8601 with their offsets, dates as ISO dates, the
status as its value, complexity and escalation as objects. Decoding builds the domain's
own types again, so a ticket reads back equal to what was saved, offsets included. An event
is stored in the form the relay sends (Event.to_message).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from typing import Any

from services.domain.drafts import Requester
from services.domain.events import Event
from services.domain.lifecycle import Status
from services.domain.ticket import Escalation, Ticket
from services.domain.triage_rules import Complexity

_MOMENTS = (
    "created_at",
    "updated_at",
    "acknowledged_at",
    "status_since",
    "postponed_until",
    "last_update_at",
)
_DAYS = ("drop_dead_date", "nice_to_have_date", "eta")


def utc_text(moment: datetime) -> str:
    """Sortable as text: UTC with microseconds. A naive time is taken to be UTC already."""
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def utc_day(moment: datetime) -> str:
    return utc_text(moment)[:10]


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _escalation_data(e: Escalation | None) -> dict[str, str] | None:
    if e is None:
        return None
    return {"to": e.to, "by": e.by, "reason": e.reason, "at": e.at.isoformat()}


def ticket_document(t: Ticket) -> str:
    doc: dict[str, Any] = {
        f.name: getattr(t, f.name) for f in dataclasses.fields(t) if f.name != "version"
    }
    for name in _MOMENTS + _DAYS:
        value = doc[name]
        doc[name] = value.isoformat() if value is not None else None
    doc |= {
        "requester": {"name": t.requester.name, "email": t.requester.email},
        "status": t.status.value,
        "postponed_from": t.postponed_from.value if t.postponed_from else None,
        "complexity": dataclasses.asdict(t.complexity) if t.complexity else None,
        "escalation": _escalation_data(t.escalation),
        "timers": {k: v.isoformat() for k, v in sorted(t.timers.items())},
    }
    return _json(doc)


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text is not None else None


def _complexity(data: dict[str, Any] | None) -> Complexity | None:
    if not data:
        return None
    return Complexity(data["size"], data["points"], tuple(data["reasons"]))


def _escalation(data: dict[str, str] | None) -> Escalation | None:
    if not data:
        return None
    return Escalation(data["to"], data["by"], data["reason"], datetime.fromisoformat(data["at"]))


def decode_ticket(body: str, version: int) -> Ticket:
    doc: dict[str, Any] = json.loads(body)
    fields: dict[str, Any] = {name: _moment(doc[name]) for name in _MOMENTS}
    fields |= {name: _day(doc[name]) for name in _DAYS}
    fields |= {
        "requester": Requester(**doc["requester"]),
        "status": Status(doc["status"]),
        "postponed_from": Status(doc["postponed_from"]) if doc["postponed_from"] else None,
        "complexity": _complexity(doc["complexity"]),
        "escalation": _escalation(doc["escalation"]),
        "timers": {k: datetime.fromisoformat(v) for k, v in doc["timers"].items()},
    }
    return Ticket(**(doc | fields), version=version)


def event_document(e: Event) -> str:
    return _json(e.to_message())


def decode_event(body: str) -> Event:
    return Event.from_message(json.loads(body))


@dataclasses.dataclass(frozen=True)
class TicketRow:
    """The ticket's row: its document and the columns its views and indexes read."""

    number: int
    body: str
    status: str
    filed_at: str
    requester: str
    open_owner: str | None
    escalated: int | None
    public_status: str | None

    @classmethod
    def of(cls, t: Ticket) -> TicketRow:
        return cls(
            number=t.number,
            body=ticket_document(t),
            status=t.status.value,
            filed_at=utc_text(t.created_at),
            requester=t.requester.email.lower(),
            # Only open tickets count against their owner and show in "my tickets".
            open_owner=t.owner if t.owner and t.is_open else None,
            escalated=1 if t.escalation and t.is_open else None,
            # A private ticket is not in the public index at all.
            public_status=None if t.private else t.status.value,
        )


def page_cursor(t: Ticket) -> str:
    """The public queue's cursor: where the page after this ticket starts."""
    return f"{utc_text(t.created_at)}#{t.number:010d}"


def read_cursor(cursor: str) -> tuple[str, int]:
    filed_at, _, number = cursor.rpartition("#")
    return filed_at, int(number)
