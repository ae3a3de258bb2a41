"""What the importer reads of one RT ticket, as the RT reader (services/adapters/rt) hands it
over, and the port it reads through."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Person:
    """An RT user: its login, real name and address (either may be empty)."""

    login: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class RtFile:
    """A file on an RT transaction: its attachment's id there, its name and declared type."""

    attachment: int
    name: str
    content_type: str


@dataclass
class RtRecord:
    ticket: dict[str, Any]  # REST2's ticket
    history: list[dict[str, Any]]  # its transactions, oldest first
    texts: dict[str, str] = field(default_factory=dict)  # transaction id -> its text
    people: dict[str, Person] = field(default_factory=dict)  # login -> person
    files: dict[str, list[RtFile]] = field(default_factory=dict)  # transaction id -> files

    @property
    def number(self) -> int:
        return int(self.ticket["id"])

    def person(self, login: str) -> Person:
        return self.people.get(login) or Person(login)

    def logins(self, role: str) -> list[str]:
        return [str(ref["id"]) for ref in self.ticket.get(role) or []]

    def links(self, ref: str) -> list[int]:
        return [
            int(link["id"])
            for link in self.ticket.get("_hyperlinks") or []
            if link.get("ref") == ref and str(link.get("id", "")).isdigit()
        ]


class RtSource(Protocol):
    url: str

    def listed(self, queues: Sequence[str], since: datetime | None) -> list[tuple[int, datetime]]:
        """Each ticket of the queues (all when none) with when RT last changed it, oldest
        ticket first; with `since`, only those changed since."""

    def record(self, number: int) -> RtRecord | None:
        """The ticket with its history, texts and people; None when RT has no such ticket."""

    def content(self, attachment: int) -> bytes:
        """A file's bytes."""


def moment(text: str | None) -> datetime | None:
    """RT's UTC time (`2026-12-05T00:00:49Z`); None for RT's "not set" (1970-01-01)."""
    if not text or text.startswith("1970-01-01"):
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
