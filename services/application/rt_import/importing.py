"""`rtflow import-rt`: every ticket of an RT queue into this home, numbers kept, no mail sent.

A ticket new here is restored whole in one transaction (TicketRepository.restore: its events
reach no consumer). A ticket imported before and changed in RT since gets the transactions
it lacks, found by their ids, in one transaction guarded by its version (`append_restored`);
one unchanged since (RT's LastUpdated is its updated_at here) is not read at all. A ticket
the team has already worked on here is left as it is here, and named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.domain import timers
from services.domain.errors import TicketNotFound
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.ports import TicketRepository
from services.domain.ticket import Ticket
from services.domain.tokens import new_salt, status_token, token_digest

from .fields import Skipped, read_fields
from .history import Reading, events_of, instance_of
from .records import RtSource

WORKED_HERE = "worked on here since it was imported (kept as it is here)"
NUMBER_TAKEN = "its number belongs to a ticket filed here"
GONE = "gone from RT while importing"


@dataclass
class RtSummary:
    imported: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    transactions: int = 0
    skipped: dict[str, list[int]] = field(default_factory=dict)
    unmapped_owners: set[str] = field(default_factory=set)

    def skip(self, number: int, why: str) -> None:
        self.skipped.setdefault(why, []).append(number)


@dataclass(frozen=True)
class RtImport:
    source: RtSource
    tickets: TicketRepository
    flow: FlowConfig
    secret: str
    now: Callable[[], datetime]

    def ticket_type(self) -> str:
        wanted = self.flow.rt_import.type
        if wanted and self.flow.ticket_type(wanted) is None:
            raise ValueError(f"rt_import.type: no ticket type {wanted!r} in the flow config")
        return wanted or self.flow.ticket_types[0].name


def _ticket(job: RtImport, fields: dict[str, Any], ticket_type: str, number: int) -> Ticket:
    salt = new_salt()
    return Ticket(
        number=number,
        type=ticket_type,
        token_salt=salt,
        token_digest=token_digest(status_token(job.secret, number, salt)),
        private=job.flow.rt_import.private,
        acknowledged_at=fields["created_at"],  # RT acknowledged it; nobody is told again
        last_update_at=fields["updated_at"],
        **fields,
    )


def _stored(tickets: TicketRepository, number: int) -> Ticket | None:
    try:
        return tickets.get(number)
    except TicketNotFound:
        return None


def _one(
    job: RtImport, number: int, summary: RtSummary, ticket_type: str, stored: Ticket | None
) -> None:
    record = job.source.record(number)
    if record is None:
        summary.skip(number, GONE)
        return
    try:
        read = read_fields(record, job.flow)
    except Skipped as e:
        summary.skip(number, str(e))
        return
    if read.unmapped_owner:
        summary.unmapped_owners.add(read.unmapped_owner)
    reading = Reading(record, job.flow, instance_of(job.source.url), ticket_type, job.source.url)
    events = events_of(reading)
    ticket = _ticket(job, read.values, ticket_type, number)
    ticket.timers = timers.plan(ticket, events, job.flow, job.now())
    _write(job, ticket, events, summary, stored)


def _write(
    job: RtImport, ticket: Ticket, events: list[Event], summary: RtSummary, stored: Ticket | None
) -> None:
    number = ticket.number
    if stored is None:
        if job.tickets.restore(ticket, events):
            summary.imported.append(number)
            summary.transactions += len(events)
        else:
            summary.skip(number, NUMBER_TAKEN)
        return
    had = job.tickets.history(number)
    prefix = events[0].id.rpartition("-")[0] if events else "rt-"
    if any(not e.id.startswith(prefix) for e in had):
        summary.skip(number, WORKED_HERE if had else NUMBER_TAKEN)
        return
    known = {e.id for e in had}
    new = [e for e in events if e.id not in known]
    ticket.version, ticket.token_salt, ticket.token_digest = (
        stored.version,
        stored.token_salt,
        stored.token_digest,  # links already given out keep working
    )
    if job.tickets.append_restored(ticket, new):
        summary.updated.append(number)
        summary.transactions += len(new)
    else:
        summary.skip(number, WORKED_HERE)


def import_rt(
    job: RtImport,
    listed: Sequence[tuple[int, datetime]],
    progress: Callable[[int], object] = lambda _: None,
) -> RtSummary:
    """Import the `listed` RT tickets (number, when RT last changed it), oldest first."""
    ticket_type = job.ticket_type()
    summary = RtSummary()
    if listed:
        job.tickets.reserve_through(max(number for number, _ in listed))
    for number, changed in listed:
        stored = _stored(job.tickets, number)
        if stored is not None and stored.updated_at >= changed:
            summary.unchanged += 1
        else:
            _one(job, number, summary, ticket_type, stored)
        progress(1)
    return summary
