"""Moving house: every ticket with its whole history to a JSON Lines file, and from one into
another home (`rtflow export`, `rtflow import`): how a team moves from one machine to AWS,
and how it backs up.

One line per ticket: {"format": 1, "version": <its lock version>, "ticket": <the domain's
document of every field, the status link's salt and digest included>, "events": [<each
event as Event.to_message, oldest first>]}. A status link checks the token against the
digest alone, so links already mailed keep working wherever the ticket lands.

Import reads the file twice: first to check every line (a malformed file changes nothing)
and find the highest number, which the counter is raised to before any ticket is written
(a ticket filed meanwhile cannot take an imported number); then to restore each ticket in
one transaction. A ticket whose number exists is skipped, so importing a file again changes
nothing. Restored events reach no consumer: importing sends no mail.

Files travel beside the tickets (FileMover): export copies every file a history names from
the home's store into a directory of files named by their SHA-256 (`<file>.files/`); import
copies each ticket's files from there into the new home's store before it restores the
ticket, bytes checked against their SHA-256. A file that is not there (or not whole) is
named in the summary and its ticket still moves; importing again, with the file there,
fills it in, even for a ticket imported before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.domain.attachments import AttachmentStore, attachments
from services.domain.errors import TicketNotFound
from services.domain.events import Event
from services.domain.ports import TicketRepository
from services.domain.ticket import Ticket
from services.domain.ticket.document import ticket_from_document, ticket_to_document

FORMAT = 1
_BATCH = 100  # tickets read at once by export

# Why an imported ticket was not written.
ALREADY_THERE = "already there (imported before)"
NUMBER_TAKEN = "number held by a different ticket"

Progress = Callable[[int], object]


def _nothing(_: int) -> None:
    return None


class MalformedExport(ValueError):
    """A line of the file is not an exported ticket; nothing was imported."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line = line


@dataclass(frozen=True)
class Exported:
    ticket: Ticket
    events: list[Event]


def encode(ticket: Ticket, events: Sequence[Event]) -> str:
    record = {
        "format": FORMAT,
        "version": ticket.version,
        "ticket": ticket_to_document(ticket),
        "events": [e.to_message() for e in events],
    }
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _problem(e: Exception) -> str:
    if isinstance(e, KeyError):
        return f"no {e.args[0]!r}"
    return str(e) or type(e).__name__


def _object(text: str, line: int) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise MalformedExport(line, f"not JSON ({e.msg}, column {e.colno})") from None
    if not isinstance(data, dict):
        raise MalformedExport(line, "not a JSON object")
    if data.get("format") != FORMAT:
        raise MalformedExport(line, f"format {data.get('format')!r}; this RT Flow reads {FORMAT}")
    return data


def _ticket(data: dict[str, Any], line: int) -> Ticket:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise MalformedExport(line, f"version {version!r} is not a positive whole number")
    try:
        ticket = ticket_from_document(data["ticket"], version)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise MalformedExport(line, f"the ticket: {_problem(e)}") from None
    if not isinstance(ticket.number, int) or ticket.number < 1:
        raise MalformedExport(line, f"ticket number {ticket.number!r} is not a positive number")
    return ticket


def _events(data: dict[str, Any], number: int, line: int) -> list[Event]:
    messages = data.get("events")
    if not isinstance(messages, list):
        raise MalformedExport(line, "no list of events")
    events = []
    for i, message in enumerate(messages, start=1):
        try:
            event = Event.from_message(message)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise MalformedExport(line, f"event {i}: {_problem(e)}") from None
        if event.ticket != number:
            raise MalformedExport(line, f"event {i} is of ticket #{event.ticket}, not #{number}")
        events.append(event)
    return events


def decode(text: str, line: int) -> Exported:
    """One line of an export; MalformedExport naming the line if it is not one."""
    data = _object(text, line)
    ticket = _ticket(data, line)
    return Exported(ticket, _events(data, ticket.number, line))


def _records(lines: Iterable[str]) -> Iterator[Exported]:
    """The file's tickets; blank lines are passed over."""
    for line, text in enumerate(lines, start=1):
        if text.strip():
            yield decode(text, line)


# -- files --------------------------------------------------------------------------------


class FileMover:
    """Copies the files histories name from one store to another, each once."""

    def __init__(self, source: AttachmentStore, target: AttachmentStore) -> None:
        self.source, self.target = source, target
        self.copied: set[str] = set()
        self.missing: list[str] = []  # "#12 db.log": not in the source, or not whole

    def _bytes(self, sha256: str) -> bytes | None:
        body = self.source.open(sha256)
        if body is None:
            return None
        with body:
            data = body.read()
        return data if hashlib.sha256(data).hexdigest() == sha256 else None

    def move(self, number: int, events: Sequence[Event]) -> None:
        for found in attachments(events):
            sha256 = found.ref.sha256
            if sha256 in self.copied:
                continue
            data = self._bytes(sha256)
            if data is None:
                self.missing.append(f"#{number} {found.ref.name}")
                continue
            self.target.put(data)
            self.copied.add(sha256)


# -- export ---------------------------------------------------------------------------------


@dataclass
class ExportSummary:
    tickets: int = 0
    events: int = 0


def export_tickets(
    tickets: TicketRepository,
    numbers: Sequence[int],
    write: Callable[[str], object],
    progress: Progress = _nothing,
    files: FileMover | None = None,
) -> ExportSummary:
    """Write one line per ticket of `numbers` (from tickets.numbers()), and copy the files
    its history names with `files`. Each history is read before its ticket, so on a running
    system a ticket is never older than its history."""
    summary = ExportSummary()
    for start in range(0, len(numbers), _BATCH):
        batch = numbers[start : start + _BATCH]
        histories = {n: tickets.history(n) for n in batch}
        found = tickets.get_many(batch)
        for n in batch:
            if n in found:
                write(encode(found[n], histories[n]) + "\n")
                if files is not None:
                    files.move(n, histories[n])
                summary.tickets += 1
                summary.events += len(histories[n])
        progress(len(batch))
    return summary


# -- import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """What a checked file holds."""

    tickets: int
    highest: int
    files: int = 0  # the distinct files the histories name


def survey(lines: Iterable[str]) -> Survey:
    """Check every line of the file (MalformedExport at the first bad one; a number twice is
    one) without writing anything: how many tickets, and the highest number."""
    first_seen: dict[int, int] = {}
    named: set[str] = set()
    for line, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        record = decode(text, line)
        number = record.ticket.number
        named |= {a.ref.sha256 for a in attachments(record.events)}
        if number in first_seen:
            raise MalformedExport(
                line, f"ticket #{number} again (first on line {first_seen[number]})"
            )
        first_seen[number] = line
    return Survey(len(first_seen), max(first_seen, default=0), len(named))


@dataclass
class ImportSummary:
    imported: int = 0
    events: int = 0
    skipped: dict[str, list[int]] = field(default_factory=dict)  # why -> ticket numbers
    numbers: list[int] = field(default_factory=list)  # the imported tickets'

    @property
    def skipped_count(self) -> int:
        return sum(len(numbers) for numbers in self.skipped.values())


def _why_skipped(tickets: TicketRepository, ticket: Ticket) -> str:
    """The same ticket (filed at the same moment, with the same status-link salt) was
    imported before; anything else under its number is another ticket."""
    try:
        there = tickets.get(ticket.number)
    except TicketNotFound:
        return NUMBER_TAKEN  # its history's place is held by events of another ticket
    same = (there.created_at, there.token_salt) == (ticket.created_at, ticket.token_salt)
    return ALREADY_THERE if same else NUMBER_TAKEN


def import_tickets(
    tickets: TicketRepository,
    lines: Iterable[str],
    checked: Survey,
    progress: Progress = _nothing,
    files: FileMover | None = None,
) -> ImportSummary:
    """Restore every ticket of a file `survey` checked: the counter first, then one
    transaction per ticket, its files copied with `files` before it (a skipped ticket's too:
    a file missing the first time is filled in); a ticket whose number exists is skipped,
    with the reason."""
    if checked.highest:
        tickets.reserve_through(checked.highest)
    summary = ImportSummary()
    for record in _records(lines):
        if files is not None:  # the bytes before the record that names them
            files.move(record.ticket.number, record.events)
        if tickets.restore(record.ticket, record.events):
            summary.imported += 1
            summary.numbers.append(record.ticket.number)
            summary.events += len(record.events)
        else:
            why = _why_skipped(tickets, record.ticket)
            summary.skipped.setdefault(why, []).append(record.ticket.number)
        progress(1)
    return summary
