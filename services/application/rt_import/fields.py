"""An RT ticket's fields as a ticket here: who asked, who owns it, what was asked (RT custom
fields mapped by the flow config's `rt_import.fields`), where it stands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from services.domain.drafts import Requester
from services.domain.flow import FlowConfig, Member
from services.domain.lifecycle import Status
from services.domain.rt_import import SKIP

from .records import Person, RtRecord, moment

# Statuses that need an owner here; without one on the team the ticket waits in triage.
_OWNED = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
_LISTS = frozenset({"acceptance_criteria", "dependencies"})
_DAYS = frozenset({"drop_dead_date", "nice_to_have_date"})


class Skipped(Exception):
    """An RT ticket that is not imported; the message says why."""


@dataclass
class Fields:
    """The ticket's fields, and what a person should know about how they were read."""

    values: dict[str, Any] = field(default_factory=dict)
    unmapped_owner: str = ""


def member_of(person: Person, flow: FlowConfig) -> Member | None:
    address = person.email.lower()
    return next((m for m in flow.team.members if address and m.email.lower() == address), None)


def requester_of(record: RtRecord) -> tuple[Requester, list[str]]:
    """The first requestor with a usable address asks; the others (and the Cc) watch."""
    people = [record.person(login) for login in record.logins("Requestor")]
    people += [record.person(str(record.ticket.get("Creator", {}).get("id", "")))]
    requester = None
    for person in people:
        try:
            requester = Requester(name=person.name or person.email, email=person.email)
            break
        except ValidationError:
            continue
    if requester is None:
        raise Skipped("no requestor with a mail address")
    others = [
        record.person(login).email for login in record.logins("Requestor") + record.logins("Cc")
    ]
    watchers = sorted({a.lower() for a in others if a and a.lower() != requester.email})
    return requester, watchers


def _custom(value: list[str], name: str) -> Any:
    if name in _LISTS:
        lines = value if len(value) > 1 else (value[0].splitlines() if value else [])
        return [line.strip() for line in lines if line.strip()]
    if name in _DAYS:
        return date.fromisoformat(value[0][:10]) if value and value[0] else None
    return "\n".join(value).strip()


def custom_fields(record: RtRecord, flow: FlowConfig) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for cf in record.ticket.get("CustomFields") or []:
        name = flow.rt_import.field(str(cf.get("name", "")))
        if name is not None:
            try:
                found[name] = _custom([str(v) for v in cf.get("values") or []], name)
            except ValueError:
                continue  # an RT date that is not one: the field stays empty
    return {k: v for k, v in found.items() if v not in (None, "", [])}


def status_of(record: RtRecord, flow: FlowConfig, owner: Member | None) -> Status:
    name = flow.rt_import.status(str(record.ticket.get("Status", "")))
    if name == SKIP:
        raise Skipped(f"RT status {record.ticket.get('Status')}")
    status = Status(name)
    if status in _OWNED and owner is None:
        return Status.TRIAGED  # waits for an owner on the team
    if status is Status.NEW and owner is not None:
        return Status.ASSIGNED  # RT gave it to someone before anyone opened it
    return status


def status_since(record: RtRecord, created: datetime) -> datetime:
    changes = [moment(t.get("Created")) for t in record.history if t.get("Type") == "Status"]
    return max([c for c in changes if c is not None], default=created)


def read_fields(record: RtRecord, flow: FlowConfig) -> Fields:
    created = moment(record.ticket.get("Created"))
    if created is None:
        raise Skipped("no creation time")
    owner_login = str((record.ticket.get("Owner") or {}).get("id") or "Nobody")
    owner = None if owner_login == "Nobody" else member_of(record.person(owner_login), flow)
    status = status_of(record, flow, owner)
    requester, watchers = requester_of(record)
    first = next((t for t in record.history if t.get("Type") == "Create"), {})
    text = record.texts.get(str(first.get("id", "")), "").strip()
    due = moment(record.ticket.get("Due"))  # RT's due date: the drop-dead date here
    values: dict[str, Any] = {
        "title": str(record.ticket.get("Subject") or "").strip() or f"RT #{record.number}",
        "requirements": text or f"(RT #{record.number} had no text)",
        "requester": requester,
        "watchers": watchers,
        "status": status,
        "owner": owner.id if owner and status not in (Status.NEW, Status.TRIAGED) else None,
        "created_at": created,
        "updated_at": moment(record.ticket.get("LastUpdated")) or created,
        "status_since": status_since(record, created),
        "drop_dead_date": due.date() if due else None,
        "depends_on": record.links("depends-on"),
        "children": record.links("child"),
        "parent": next(iter(record.links("parent")), None),
    }
    values |= custom_fields(record, flow)
    unmapped = "" if owner or owner_login == "Nobody" else owner_login
    return Fields(values, unmapped)
