"""A ticket as a JSON-safe document and back: every field of the Ticket but its version.

Times are ISO 8601 with their own offsets, dates ISO dates, the status its value, complexity
and escalation objects. Decoding builds the domain's own types again, so a ticket reads back
equal to what was written, offsets included. The SQLite home stores tickets in this form,
and `rtflow export` writes it: the status link's salt and digest travel with the ticket.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from ..drafts import Requester
from ..lifecycle import Status
from ..triage_rules import Complexity
from . import Ticket
from .record import Escalation

_MOMENTS = (
    "created_at",
    "updated_at",
    "acknowledged_at",
    "status_since",
    "postponed_until",
    "last_update_at",
)
_DAYS = ("drop_dead_date", "nice_to_have_date", "eta")


def _escalation_data(e: Escalation | None) -> dict[str, str] | None:
    if e is None:
        return None
    return {"to": e.to, "by": e.by, "reason": e.reason, "at": e.at.isoformat()}


def ticket_to_document(t: Ticket) -> dict[str, Any]:
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
    return doc


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


def ticket_from_document(doc: dict[str, Any], version: int | None) -> Ticket:
    """The ticket of a document; KeyError, TypeError or ValueError for one that is not."""
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
