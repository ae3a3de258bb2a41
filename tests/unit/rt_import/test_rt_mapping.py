"""How an RT ticket reads here (services/application/rt_import), with RT's REST2 shapes in
memory: statuses and owners, who wrote what, custom fields, the flow config's overrides, and
a second import that brings only what is new."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from services.application.rt_import import Person, RtFile, RtImport, RtRecord, import_rt
from services.application.rt_import.importing import WORKED_HERE
from services.domain import events as ev
from services.domain.attachments import Limits
from services.domain.events import Event
from services.domain.lifecycle import Status
from services.domain.rt_import import RtImportConfig
from tests.attachment_fakes import MemoryAttachmentStore
from tests.fakes import FakeTicketRepository

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
PEOPLE = {
    "root": Person("root", "Enoch Root", "root@example.org"),
    "priya": Person("priya", "Priya Natarajan", "priya@example.org"),
    "45": Person("45", "Priya Natarajan", "priya@example.org"),
    "zed": Person("zed", "Zed", "zed@elsewhere.example"),
    "ana@example.org": Person("ana@example.org", "Ana Lima", "ana@example.org"),
    "bo@example.org": Person("bo@example.org", "", "bo@example.org"),
}


def txn(id_: int, type_: str, who: str = "root", **fields) -> dict:
    return {
        "id": str(id_),
        "Type": type_,
        "Creator": {"id": who},
        "Created": f"2026-11-0{1 + id_ % 8}T10:00:00Z",
        **fields,
    }


def record(number: int = 408, status: str = "open", owner: str = "priya", **extra) -> RtRecord:
    ticket = {
        "id": number,
        "Subject": "Disk full on db1001",
        "Status": status,
        "Owner": {"id": owner},
        "Creator": {"id": "root"},
        "Requestor": [{"id": "ana@example.org"}, {"id": "bo@example.org"}],
        "Cc": [],
        "Created": "2026-11-01T10:00:00Z",
        "LastUpdated": "2026-11-05T10:00:00Z",
        "Due": "1970-01-01T00:00:00Z",
        "CustomFields": [{"name": "Acceptance criteria", "values": ["df shows space"]}],
        "_hyperlinks": [{"ref": "depends-on", "id": "12", "type": "ticket"}],
        **extra,
    }
    history = [
        txn(1, "Create"),
        txn(2, "Correspond", "ana@example.org"),
        txn(3, "Correspond", "root"),
        txn(4, "Comment", "root"),
        txn(5, "Status", Field="Status", OldValue="new", NewValue="open"),
        txn(6, "Set", Field="Owner", OldValue="6", NewValue="45"),
        txn(7, "EmailRecord"),
    ]
    texts = {"1": "The disk is full.", "2": "Any news?", "3": "On it.", "4": "Needs a LUN."}
    return RtRecord(ticket, history, texts, PEOPLE)


@dataclasses.dataclass
class Source:
    records: dict[int, RtRecord]
    url: str = "https://rt.example.org/rt"
    contents: dict[int, bytes] = dataclasses.field(default_factory=dict)

    def listed(self, queues, since):
        return [
            (n, datetime.fromisoformat(r.ticket["LastUpdated"].replace("Z", "+00:00")))
            for n, r in sorted(self.records.items())
        ]

    def record(self, number):
        return self.records.get(number)

    def content(self, attachment):
        return self.contents[attachment]


def run(flow, source, tickets=None):
    tickets = tickets or FakeTicketRepository()
    job = RtImport(source, tickets, flow, "s" * 48, lambda: NOW)
    return tickets, import_rt(job, source.listed([], None))


def test_a_worked_ticket_reads_as_it_stands_in_rt(flow):
    tickets, summary = run(flow, Source({408: record()}))
    assert summary.imported == [408]
    t = tickets.get(408)
    assert (t.status, t.owner, t.requester.email) == (
        Status.IN_PROGRESS,
        "priya",
        "ana@example.org",
    )
    assert t.watchers == ["bo@example.org"]
    assert t.acceptance_criteria == ["df shows space"]
    assert t.requirements == "The disk is full."
    assert t.depends_on == [12] and t.private is True
    kinds = [(e.kind, e.public, e.actor) for e in tickets.history(408)]
    assert kinds == [
        (ev.TICKET_FILED, True, "root@example.org"),
        (ev.REPLIED, True, "ana@example.org"),  # the requester wrote
        (ev.COMMENTED, True, "root@example.org"),  # correspondence: the requester saw it
        (ev.COMMENTED, False, "root@example.org"),  # a comment: an internal note
        (ev.STARTED, True, "root@example.org"),
        (ev.ASSIGNED, True, "root@example.org"),
    ]
    assert tickets.wip == {"priya": 1}


@pytest.mark.parametrize(
    ("status", "owner", "expected"),
    [
        ("open", "zed", Status.TRIAGED),  # an owner not on the team: it waits in triage
        ("new", "priya", Status.ASSIGNED),
        ("new", "Nobody", Status.NEW),
        ("stalled", "priya", Status.POSTPONED),
        ("resolved", "priya", Status.RESOLVED),
        ("rejected", "Nobody", Status.REJECTED),
    ],
)
def test_rt_statuses_map_to_the_life_cycle(flow, status, owner, expected):
    tickets, summary = run(flow, Source({408: record(status=status, owner=owner)}))
    assert tickets.get(408).status is expected
    assert summary.unmapped_owners == ({"zed"} if owner == "zed" else set())


def test_the_flow_config_overrides_statuses_and_type(flow):
    config = RtImportConfig(
        statuses={"stalled": "skip", "open": "triaged"}, type="access", private=False
    )
    changed = flow.model_copy(update={"rt_import": config})
    source = Source({1: record(1, status="stalled"), 2: record(2, status="open")})
    tickets, summary = run(changed, source)
    assert summary.skipped == {"RT status stalled": [1]}
    t = tickets.get(2)
    assert (t.status, t.type, t.private) == (Status.TRIAGED, "access", False)


def test_an_unknown_type_is_said_before_anything_is_written(flow):
    changed = flow.model_copy(update={"rt_import": RtImportConfig(type="nope")})
    with pytest.raises(ValueError, match="rt_import.type"):
        run(changed, Source({408: record()}))


def test_a_second_import_brings_only_what_is_new(flow):
    first = record()
    tickets, _ = run(flow, Source({408: first}))
    changed = record(LastUpdated="2026-11-09T10:00:00Z")
    changed.history.append(txn(8, "Comment", "root"))
    changed.texts["8"] = "LUN ordered."
    _, summary = run(flow, Source({408: changed}), tickets)
    assert summary.updated == [408] and summary.transactions == 1
    history = tickets.history(408)
    assert len(history) == 7 and history[-1].data["message"] == "LUN ordered."
    _, again = run(flow, Source({408: changed}), tickets)
    assert (again.unchanged, again.updated) == (1, [])


def test_a_ticket_worked_on_here_since_is_kept_as_it_is_here(flow):
    tickets, _ = run(flow, Source({408: record()}))
    native = Event(ticket=408, kind=ev.COMMENTED, at=NOW, actor="priya", public=False, data={})
    tickets.events[408].append(native)
    _, summary = run(flow, Source({408: record(LastUpdated="2026-11-09T10:00:00Z")}), tickets)
    assert summary.skipped == {WORKED_HERE: [408]}


def test_a_ticket_without_a_requestor_address_is_skipped_with_the_reason(flow):
    nobody = record(Requestor=[], Creator={"id": "RT_System"})
    _, summary = run(flow, Source({408: nobody}))
    assert summary.skipped == {"no requestor with a mail address": [408]}


def test_rt_files_are_kept_on_the_events_that_brought_them(flow):
    with_files = record()
    with_files.files = {
        "1": [RtFile(91, "df.txt", "text/plain")],
        "4": [RtFile(92, "big.iso", "application/octet-stream")],
    }
    source = Source({408: with_files}, contents={91: b"/dev/sda1 100%", 92: b"x" * 2048})
    store = MemoryAttachmentStore()
    tickets = FakeTicketRepository()
    job = RtImport(source, tickets, flow, "s" * 48, lambda: NOW, store, Limits(max_bytes=1024))
    summary = import_rt(job, source.listed([], None))
    filed = tickets.history(408)[0]
    [ref] = filed.data["attachments"]
    assert ref["name"] == "df.txt" and ref["size"] == 14
    assert store.open(ref["sha256"]).read() == b"/dev/sda1 100%"
    assert summary.files == 1
    assert summary.files_not_kept == ["#408 big.iso: 2 KB, over the limit of 1 KB"]


def test_without_an_attachment_store_files_are_named_not_kept(flow):
    with_files = record()
    with_files.files = {"1": [RtFile(91, "df.txt", "text/plain")]}
    _, summary = run(flow, Source({408: with_files}, contents={91: b"x"}))
    assert summary.files == 0
    assert summary.files_not_kept[0].startswith("#408 df.txt: this home keeps no attachments")
