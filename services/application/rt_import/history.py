"""An RT ticket's transactions as its history here, one event per transaction that means
something to a reader: filed, replies and correspondence, comments (internal notes), status
changes, owners, dependencies. An event's id is the RT instance's and the transaction's, so
an import run again recognises what it wrote before."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.domain import events as ev
from services.domain.attachments import AttachmentRef, refs_data
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.lifecycle import FINISHED, Status

from .fields import member_of
from .records import Person, RtRecord, moment

Txn = dict[str, Any]


@dataclass(frozen=True)
class Reading:
    record: RtRecord
    flow: FlowConfig
    instance: str  # a short digest of RT's URL: event ids of two RTs never meet
    ticket_type: str
    rt_url: str
    files: dict[str, list[AttachmentRef]] = field(default_factory=dict)  # by transaction

    def actor(self, person: Person) -> str:
        member = member_of(person, self.flow)
        return member.id if member else (person.email or person.login)

    def status(self, rt_status: str) -> Status | None:
        name = self.flow.rt_import.status(rt_status)
        return Status(name) if name in {s.value for s in Status} else None


def instance_of(rt_url: str) -> str:
    return hashlib.sha256(rt_url.rstrip("/").encode()).hexdigest()[:8]


def event_id(instance: str, transaction: Txn) -> str:
    return f"rt-{instance}-{transaction['id']}"


def _creator(r: Reading, t: Txn) -> Person:
    return r.record.person(str((t.get("Creator") or {}).get("id", "")))


def _text(r: Reading, t: Txn) -> str:
    return r.record.texts.get(str(t.get("id", "")), "").strip()


def _filed(r: Reading, t: Txn) -> tuple[str, dict[str, Any], bool]:
    url = f"{r.rt_url.rstrip('/')}/Ticket/Display.html?id={r.record.number}"
    return ev.TICKET_FILED, {"source": "rt", "type": r.ticket_type, "url": url}, True


def _correspond(r: Reading, t: Txn) -> tuple[str, dict[str, Any], bool] | None:
    text = _text(r, t)
    if not text and not r.files.get(str(t["id"])):
        return None
    person = _creator(r, t)
    asked = {r.record.person(login).email.lower() for login in r.record.logins("Requestor")}
    if person.email and person.email.lower() in asked:
        return ev.REPLIED, {"message": text}, True
    return ev.COMMENTED, {"message": text, "author": person.name or person.login}, True


def _comment(r: Reading, t: Txn) -> tuple[str, dict[str, Any], bool] | None:
    text = _text(r, t)
    if not text and not r.files.get(str(t["id"])):
        return None
    return ev.COMMENTED, {"message": text, "author": _creator(r, t).name}, False


_STATUS_KINDS = {
    Status.RESOLVED: ev.RESOLVED,
    Status.REJECTED: ev.REJECTED,
    Status.CLOSED: ev.CLOSED,
    Status.POSTPONED: ev.POSTPONED,
    Status.IN_PROGRESS: ev.STARTED,
}


def _status(r: Reading, t: Txn) -> tuple[str, dict[str, Any], bool] | None:
    before, after = r.status(str(t.get("OldValue", ""))), r.status(str(t.get("NewValue", "")))
    if after is None or before == after:
        return None
    kind = _STATUS_KINDS.get(after)
    if before in FINISHED and after not in FINISHED:
        kind = ev.REOPENED
    if kind is None:
        return None
    moved = {"from": before.value if before else None, "to": after.value}
    return kind, moved, kind != ev.POSTPONED  # RT says nothing of why it stalled


def _owner(r: Reading, t: Txn) -> tuple[str, dict[str, Any], bool] | None:
    if t.get("Field") != "Owner":
        return None
    member = member_of(r.record.person(str(t.get("NewValue", ""))), r.flow)
    if member is None:
        return None  # Nobody, or someone not on the team
    return ev.ASSIGNED, {"owner": member.id, "how": "assigned"}, True


def _link(r: Reading, t: Txn) -> tuple[str, dict[str, Any], bool] | None:
    target = str(t.get("NewValue", "")).rstrip("/").rpartition("/")[2]
    if t.get("Field") != "DependsOn" or not target.isdigit():
        return None
    return ev.LINKED, {"depends_on": int(target)}, False


_READERS: dict[str, Callable[[Reading, Txn], tuple[str, dict[str, Any], bool] | None]] = {
    "Create": _filed,
    "Correspond": _correspond,
    "Comment": _comment,
    "Status": _status,
    "Set": _owner,
    "Give": _owner,
    "Take": _owner,
    "Steal": _owner,
    "AddLink": _link,
}


def events_of(r: Reading) -> list[Event]:
    out = []
    for t in r.record.history:
        reader = _READERS.get(str(t.get("Type", "")))
        read = reader(r, t) if reader else None
        at = moment(t.get("Created"))
        if read is None or at is None:
            continue
        kind, data, public = read
        if refs := r.files.get(str(t["id"])):
            data["attachments"] = refs_data(refs)
        out.append(
            Event(
                ticket=r.record.number,
                kind=kind,
                at=at,
                actor=r.actor(_creator(r, t)),
                public=public,
                data=data | {"rt_transaction": int(t["id"])},
                id=event_id(r.instance, t),
            )
        )
    return out
