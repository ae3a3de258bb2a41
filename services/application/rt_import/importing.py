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
from services.domain.attachments import AttachmentStore, Limits
from services.domain.errors import TicketNotFound
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.ports import TicketRepository
from services.domain.ticket import Ticket
from services.domain.tokens import new_salt, status_token, token_digest

from .fields import Skipped, read_fields
from .files import keep_files
from .history import Reading, event_id, events_of, instance_of
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
    files: int = 0
    files_not_kept: list[str] = field(default_factory=list)

    def skip(self, number: int, why: str) -> None:
        self.skipped.setdefault(why, []).append(number)


@dataclass(frozen=True)
class RtImport:
    source: RtSource
    tickets: TicketRepository
    flow: FlowConfig
    secret: str
    now: Callable[[], datetime]
    files: AttachmentStore | None = None
    limits: Limits = field(default_factory=Limits)

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
    instance = instance_of(job.source.url)
    had = job.tickets.history(number) if stored is not None else []
    ours = [e.id.startswith(f"rt-{instance}-") for e in had]
    if not all(ours):
        summary.skip(number, WORKED_HERE if any(ours) else NUMBER_TAKEN)
        return
    known = {e.id for e in had}
    imported = {str(t["id"]) for t in record.history if event_id(instance, t) in known}
    kept = keep_files(job.source, job.files, job.limits, record, had, imported)
    reading = Reading(record, job.flow, instance, ticket_type, job.source.url, kept.refs)
    ticket = _ticket(job, read.values, ticket_type, number)
    events = events_of(reading)
    ticket.timers = timers.plan(ticket, events, job.flow, job.now())
    if _write(job, ticket, [e for e in events if e.id not in known], stored, summary):
        summary.files += sum(len(refs) for refs in kept.refs.values())
        summary.files_not_kept += kept.not_kept


def _write(
    job: RtImport, ticket: Ticket, new: list[Event], stored: Ticket | None, summary: RtSummary
) -> bool:
    number = ticket.number
    if stored is None:
        if not job.tickets.restore(ticket, new):
            summary.skip(number, NUMBER_TAKEN)
            return False
        summary.imported.append(number)
    else:
        # Links already given out keep working: the stored salt and digest stay.
        ticket.version, ticket.token_salt, ticket.token_digest = (
            stored.version,
            stored.token_salt,
            stored.token_digest,
        )
        if not job.tickets.append_restored(ticket, new):
            summary.skip(number, WORKED_HERE)
            return False
        summary.updated.append(number)
    summary.transactions += len(new)
    return True


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
