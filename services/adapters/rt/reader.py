"""RT as the importer's source (services/application/rt_import/records.py: RtSource): a
ticket, its transactions, the text of those that carry one, and the people they name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.application.rt_import import Person, RtFile, RtRecord, moment

from .client import RtClient

_WITH_TEXT = frozenset({"Create", "Correspond", "Comment"})
_ROLES = ("Requestor", "Cc", "Owner", "Creator")


def _text(parts: list[dict[str, Any]]) -> str:
    """The message of a transaction: its first plain-text part that is not a file."""
    for part in parts:
        if str(part.get("ContentType", "")).startswith("text/plain") and not part.get("Filename"):
            return str(part.get("Content") or "")
    return ""


def _files(parts: list[dict[str, Any]]) -> list[RtFile]:
    return [
        RtFile(int(p["id"]), str(p["Filename"]), str(p.get("ContentType") or ""))
        for p in parts
        if p.get("Filename")
    ]


class RtReader:
    def __init__(self, client: RtClient):
        self.client = client
        self.url = client.url

    def listed(self, queues: Sequence[str], since: datetime | None) -> list[tuple[int, datetime]]:
        for queue in queues:
            self.client.check_queue(queue)
        out = []
        for item in self.client.tickets(list(queues), since):
            changed = moment(item.get("LastUpdated"))
            if changed is not None:
                out.append((int(item["id"]), changed))
        return out

    def record(self, number: int) -> RtRecord | None:
        ticket = self.client.ticket(number)
        if ticket is None:
            return None
        history = self.client.history(number)
        parts = {
            str(t["id"]): self.client.parts(int(t["id"]))
            for t in history
            if t.get("Type") in _WITH_TEXT
        }
        return RtRecord(
            ticket,
            history,
            {txn: _text(p) for txn, p in parts.items()},
            self._people(ticket, history),
            {txn: files for txn, p in parts.items() if (files := _files(p))},
        )

    def content(self, attachment: int) -> bytes:
        return self.client.attachment(attachment)

    def _people(self, ticket: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Person]:
        logins: set[str] = set()
        for role in _ROLES:
            refs = ticket.get(role) or []
            logins |= {str(r["id"]) for r in (refs if isinstance(refs, list) else [refs])}
        for t in history:
            logins.add(str((t.get("Creator") or {}).get("id", "")))
            if t.get("Field") == "Owner":
                logins.add(str(t.get("NewValue", "")))  # a user's number
        return {login: self._person(login) for login in logins if login}

    def _person(self, login: str) -> Person:
        user = self.client.user(login)
        return Person(login, str(user.get("RealName") or ""), str(user.get("EmailAddress") or ""))
