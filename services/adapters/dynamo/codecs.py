"""Tickets and events to items and back; the stored format is the table's contract."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from services.domain.drafts import Requester
from services.domain.events import Event
from services.domain.lifecycle import Status
from services.domain.ticket import Escalation, Ticket
from services.domain.triage_rules import Complexity

from .keys import META, day_key, event_key, ticket_pk, utc_iso
from .models import EventItem, RequesterMap, TicketItem

# The public index's two partitions (tickets.py reads them).
PUBLIC_OPEN = "PUBLIC#OPEN"
PUBLIC_FINISHED = "PUBLIC#FINISHED"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def encode_ticket(t: Ticket) -> TicketItem:
    item = TicketItem(
        ticket_pk(t.number),
        META,
        number=t.number,
        type=t.type,
        title=t.title,
        requirements=t.requirements,
        end_state=t.end_state or None,
        acceptance_criteria=list(t.acceptance_criteria) or None,
        drop_dead_date=_iso(t.drop_dead_date),
        nice_to_have_date=_iso(t.nice_to_have_date),
        capacity_needs=t.capacity_needs or None,
        security_needs=t.security_needs or None,
        dependencies=list(t.dependencies) or None,
        requester=RequesterMap(name=t.requester.name, email=t.requester.email),
        private=t.private,
        status=t.status.value,
        created_at=t.created_at,
        updated_at=t.updated_at,
        acknowledged_at=t.acknowledged_at,
        status_since=t.status_since,
        owner=t.owner,
        complexity=dataclasses.asdict(t.complexity) if t.complexity else None,
        escalation=_escalation_data(t.escalation),
        skills=list(t.skills) or None,
        missing=list(t.missing) or None,
        eta=_iso(t.eta),
        parent=t.parent,
        children=list(t.children) or None,
        depends_on=list(t.depends_on) or None,
        postponed_from=t.postponed_from.value if t.postponed_from else None,
        postponed_until=t.postponed_until,
        postponed_public=t.postponed_public or None,
        timers={k: utc_iso(v) for k, v in sorted(t.timers.items())} or None,
        fired=list(t.fired) or None,
        sla_breached=list(t.sla_breached) or None,
        token_salt=t.token_salt,
        token_digest=t.token_digest,
        # Sparse: only open tickets; a finished one leaves the index once (resolve, reject,
        # close) and writes it no more.
        status_key=f"STATUS#{t.status.value}" if t.is_open else None,
        # Only open tickets count against their owner and show in "my tickets".
        owner_key=f"OWNER#{t.owner}" if t.owner and t.is_open else None,
        requester_key=f"REQUESTER#{t.requester.email}",
        escalation_key="ESCALATED" if t.escalation and t.is_open else None,
        sort_at=f"{t.created_at.isoformat()}#{t.number:010d}",
        # Sparse: only a ticket with a pending timer is in the index, at its earliest one. One
        # partition: the minute job reads a handful of due items; shard as TIMER#0..N beyond
        # ~1,000 timer writes a second.
        timer_key="TIMER" if t.timers else None,
        timer_at=utc_iso(min(t.timers.values())) if t.timers else None,
        # Sparse: a private ticket has no key, so the public queue cannot read it. Open or
        # finished, not the status: the entry moves once, when the ticket finishes.
        public_key=None if t.private else (PUBLIC_OPEN if t.is_open else PUBLIC_FINISHED),
        last_update_at=t.last_update_at,
        last_update=t.last_update or None,
        watchers=list(t.watchers) or None,
        merged_into=t.merged_into,
    )
    if t.version is not None:
        item.version = t.version
    return item


def _escalation_data(e: Escalation | None) -> dict[str, str] | None:
    if e is None:
        return None
    return {"to": e.to, "by": e.by, "reason": e.reason, "at": e.at.isoformat()}


def _escalation(data: dict[str, str] | None) -> Escalation | None:
    if not data:
        return None
    return Escalation(data["to"], data["by"], data["reason"], datetime.fromisoformat(data["at"]))


def _complexity(data: dict[str, Any] | None) -> Complexity | None:
    if not data:
        return None
    return Complexity(data["size"], int(data["points"]), tuple(data["reasons"]))


def decode_ticket(item: TicketItem) -> Ticket:
    return Ticket(
        number=int(item.number),
        type=item.type,
        title=item.title,
        requirements=item.requirements,
        end_state=item.end_state or "",
        acceptance_criteria=list(item.acceptance_criteria or []),
        drop_dead_date=date.fromisoformat(item.drop_dead_date) if item.drop_dead_date else None,
        nice_to_have_date=(
            date.fromisoformat(item.nice_to_have_date) if item.nice_to_have_date else None
        ),
        capacity_needs=item.capacity_needs or "",
        security_needs=item.security_needs or "",
        dependencies=list(item.dependencies or []),
        requester=Requester(name=item.requester.name, email=item.requester.email),
        private=bool(item.private),
        status=Status(item.status),
        created_at=item.created_at,
        updated_at=item.updated_at,
        acknowledged_at=item.acknowledged_at,
        status_since=item.status_since,
        owner=item.owner,
        complexity=_complexity(item.complexity),
        escalation=_escalation(item.escalation),
        skills=list(item.skills or []),
        missing=list(item.missing or []),
        eta=date.fromisoformat(item.eta) if item.eta else None,
        parent=int(item.parent) if item.parent is not None else None,
        children=[int(n) for n in item.children or []],
        depends_on=[int(n) for n in item.depends_on or []],
        postponed_from=Status(item.postponed_from) if item.postponed_from else None,
        postponed_until=item.postponed_until,
        postponed_public=bool(item.postponed_public),
        timers={k: datetime.fromisoformat(v) for k, v in (item.timers or {}).items()},
        fired=list(item.fired or []),
        sla_breached=list(item.sla_breached or []),
        last_update_at=item.last_update_at,
        last_update=item.last_update or "",
        watchers=list(item.watchers or []),
        merged_into=int(item.merged_into) if item.merged_into is not None else None,
        token_salt=item.token_salt,
        token_digest=item.token_digest,
        version=item.version,
    )


def encode_event(e: Event, seq: int) -> EventItem:
    return EventItem(
        ticket_pk(e.ticket),
        event_key(seq),
        id=e.id,
        ticket=e.ticket,
        kind=e.kind,
        at=e.at,
        actor=e.actor,
        public=e.public,
        data=e.data,
        day_key=day_key(e.at.date() if e.at.utcoffset() is None else e.at.astimezone(UTC).date()),
    )


def decode_event(item: EventItem) -> Event:
    return Event(
        id=item.id,
        ticket=int(item.ticket),
        kind=item.kind,
        at=item.at,
        actor=item.actor,
        public=bool(item.public),
        data=item.data or {},
    )
