"""Files on a ticket: check them against the limits, keep their bytes (AttachmentStore), then
record them in one transaction with their event (`ticket.attachment-added`, or the filing's
event for the form's files). The bytes go first: a transaction that fails leaves a file
nobody points at, which is harmless; a record pointing at nothing would not be.

Who may see a file is decided here too (`visible`): staff see every file of every ticket,
the ticket's requester the public ones; for anyone else the file does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from services.application.deps import TicketDeps
from services.application.filing import Filed, file_ticket
from services.application.retry import retry_on_conflict
from services.domain.actors import Actor
from services.domain.attachments import (
    Attachment,
    AttachmentRef,
    AttachmentStore,
    Limits,
    TooLarge,
    check_room,
    check_sizes,
    find,
    new_ref,
    refs_data,
    room_left,
)
from services.domain.drafts import validate_draft
from services.domain.errors import StorageUnavailable, TicketNotFound, ValidationFailed
from services.domain.ports import Clock, TicketRepository
from services.domain.ticket import Ticket

UNCONFIGURED = "this installation keeps no attachments (RTFLOW_ATTACHMENTS_BUCKET is unset)"


@dataclass(frozen=True)
class Upload:
    """A file as it came (a form's part, a mail's part): its bytes are read once, when kept."""

    name: str
    content_type: str | None
    size: int
    read: Callable[[], bytes]


@dataclass(frozen=True)
class AttachDeps:
    tickets: TicketRepository
    store: AttachmentStore | None
    clock: Clock
    limits: Limits


def check(uploads: Sequence[Upload], limits: Limits, *, room: int | None = None) -> None:
    """Refuse the lot before anything is kept: too many at once or for the ticket's `room`
    (422), a file too big (413) or empty (422)."""
    if len(uploads) > limits.at_once:
        raise ValidationFailed({"file": f"attach at most {limits.at_once} files at once"})
    check_sizes(((u.name, u.size) for u in uploads), limits)
    if room is not None:
        check_room(len(uploads), room, limits)


def keep(uploads: Sequence[Upload], deps: AttachDeps) -> list[AttachmentRef]:
    """Store each file's bytes (one in memory at a time); their refs, in order."""
    if deps.store is None:
        raise StorageUnavailable(UNCONFIGURED, 3600)
    refs = []
    for upload in uploads:
        body = upload.read()
        check_sizes([(upload.name, len(body))], deps.limits)  # what came, not what was said
        refs.append(new_ref(upload.name, upload.content_type, len(body), deps.store.put(body)))
    return refs


def attach(
    number: int, uploads: Sequence[Upload], actor: Actor, public: bool, deps: AttachDeps
) -> list[AttachmentRef]:
    """Add `uploads` to ticket `number` as `actor`: checked, kept, then recorded."""
    public_only(deps.tickets.get(number), actor)  # anyone else: no such ticket
    if not uploads:
        raise ValidationFailed({"file": "choose a file to attach"})
    check(uploads, deps.limits, room=room_left(deps.tickets.history(number), deps.limits))
    refs = keep(uploads, deps)

    def decide_and_save() -> None:
        ticket = deps.tickets.get(number)
        history = deps.tickets.history(number)  # after the ticket: its version guards the count
        change = ticket.attach(
            now=deps.clock.now(),
            actor=actor,
            files=refs,
            public=public,
            history=history,
            limits=deps.limits,
        )
        deps.tickets.save(ticket, change)

    retry_on_conflict(decide_and_save)
    return refs


def file_with_files(
    data: Any, uploads: Sequence[Upload], ticket_deps: TicketDeps, deps: AttachDeps, *, source: str
) -> Filed:
    """The filing form: its fields and its files checked together (every problem named at
    once), the files kept, then the ticket filed with them on its filing's event."""
    problems: dict[str, str] = {}
    too_large = False
    try:
        check(uploads, deps.limits, room=deps.limits.per_ticket)
    except ValidationFailed as e:
        problems, too_large = e.errors, isinstance(e, TooLarge)
    try:
        validate_draft(data, flow=ticket_deps.flow, today=ticket_deps.clock.now().date())
    except ValidationFailed as e:
        problems = e.errors | problems
    if problems:
        raise (TooLarge if too_large else ValidationFailed)(problems)
    refs = keep(uploads, deps) if uploads else []
    details = {"attachments": refs_data(refs)} if refs else None
    return file_ticket(data, ticket_deps, source=source, details=details)


def public_only(ticket: Ticket, actor: Actor | None) -> bool:
    """Whether `actor` sees only the ticket's public files (its requester) or all of them
    (staff); TicketNotFound for anyone else: to them the ticket's files do not exist."""
    if actor is not None and actor.is_staff:
        return False
    if actor is not None and actor.kind == "requester" and actor.id == ticket.requester.email:
        return True
    raise TicketNotFound(ticket.number)


def opened(
    number: int, attachment_id: str, actor: Actor | None, deps: AttachDeps
) -> tuple[Attachment, IO[bytes]]:
    """The file and its bytes, for someone who may see it; TicketNotFound otherwise, and for
    a file or bytes that are not there: whichever it is, the answer is the same."""
    only_public = public_only(deps.tickets.get(number), actor)
    if deps.store is None:
        raise TicketNotFound(number)
    found = find(deps.tickets.history(number), attachment_id, public_only=only_public)
    body = deps.store.open(found.ref.sha256) if found is not None else None
    if found is None or body is None:
        raise TicketNotFound(number)
    return found, body
