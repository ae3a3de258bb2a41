"""A ticket's events at given times in Amsterdam or UTC, and its SLA clocks evaluated from them:
what the SLA tests build on."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from services.domain import events as ev
from services.domain.events import Event
from services.domain.sla import SlaState, evaluate

HOUR = 3600.0
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MIRA = "staff:mira"
ANA = "requester:ana@example.org"
SCHEDULER = "system:scheduler"


def ams(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def filed(at: datetime) -> Event:
    return Event(1, ev.TICKET_FILED, at, ANA, True, {"source": "api", "type": "general"})


def moved(
    at: datetime, frm: str, to: str, *, kind: str, actor: str = MIRA, public: bool = True
) -> Event:
    return Event(1, kind, at, actor, public, {"from": frm, "to": to})


def note(at: datetime, *, actor: str, public: bool, kind: str = ev.UPDATED) -> Event:
    return Event(1, kind, at, actor, public, {"message": "a note"})


def states(history, policy, now) -> dict[str, SlaState]:
    targets, calendar, warn = policy
    return {s.name: s for s in evaluate(history, targets, calendar, now, warn)}
