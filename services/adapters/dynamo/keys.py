"""The table's key formats: where each kind of item lives."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.domain.inbound import Inbound

META = "META"
EVENT_PREFIX = "EVENT#"
INBOX_PREFIX = "INBOX#"


def ticket_pk(number: int) -> str:
    return f"TICKET#{number}"


def event_key(seq: int) -> str:
    return f"{EVENT_PREFIX}{seq:010d}"


def day_key(day: date) -> str:
    return f"DAY#{day.isoformat()}"


def inbox_pk(message: Inbound) -> str:
    return f"{INBOX_PREFIX}{message.key}"


def link_pk(thread: str) -> str:
    return f"LINK#{thread}"


def utc_iso(moment: datetime) -> str:
    """Sortable as text: every timer is written in UTC with microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
