"""Files move with their tickets: `rtflow export` copies every file a history names from the
attachments bucket (moto) into `<file>.files/`, by SHA-256; `rtflow import` copies them into
the SQLite home's data directory before each ticket, checked against their SHA-256; a file
that is not there is named, its ticket still moves, and importing again with it fills it in."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest

from services.adapters.attachment_store import FileAttachmentStore, S3AttachmentStore
from services.adapters.sqlite.search import SqliteTicketSearch
from services.application.attaching import AttachDeps, Upload, attach, opened
from services.domain.actors import Actor
from services.domain.attachments import Limits
from services.domain.errors import TicketNotFound

from .conftest import rtflow_on


def upload(name: str, body: bytes) -> Upload:
    return Upload(name, "text/plain", len(body), lambda: body)


@pytest.fixture
def bucket(container, aws):
    """The stack's attachments bucket, the container's store (as RTFLOW_ATTACHMENTS_BUCKET)."""
    store = S3AttachmentStore(container.client("s3"), aws["AttachmentsBucketName"])
    container.__dict__["attachments"] = store  # a cached_property, filled in
    return store


@pytest.fixture
def with_files(container, filed, bucket, flow):
    """Ticket 1 with the requester's log and staff's internal trace; ticket 3 (private) with
    the same log again (kept once)."""
    deps = AttachDeps(container.tickets, bucket, container.clock, Limits())
    requester = Actor.requester("ana@example.org")
    mira = Actor.staff(flow.member("mira"))
    attach(1, [upload("db.log", b"the log")], requester, True, deps)
    attach(1, [upload("trace.txt", b"internal trace")], mira, False, deps)
    attach(3, [upload("db.log", b"the log")], Actor.requester("li@example.org"), True, deps)
    return deps


def home_of(sqlite_home, tmp_path):
    return SimpleNamespace(
        tickets=sqlite_home,
        attachments=FileAttachmentStore(tmp_path / "home" / "attachments"),
        search=SqliteTicketSearch(sqlite_home.db),
    )


def read(deps: AttachDeps, number: int, actor: Actor) -> dict[str, bytes]:
    files = {}
    for found in deps.tickets.history(number):
        for ref in found.data.get("attachments", []):
            attachment, body = opened(number, ref["id"], actor, deps)
            files[attachment.ref.name] = body.read()
    return files


def test_the_files_go_with_the_tickets_and_open_in_the_new_home(
    monkeypatch, tmp_path, container, with_files, sqlite_home, flow
):
    out = tmp_path / "tickets.jsonl"
    exported = rtflow_on(monkeypatch, container, "export", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert f"copied their 2 files to {out}.files/" in exported.output
    assert len([p for p in (tmp_path / "tickets.jsonl.files").rglob("*") if p.is_file()]) == 2

    home = home_of(sqlite_home, tmp_path)
    imported = rtflow_on(monkeypatch, home, "import", str(out))
    assert imported.exit_code == 0, imported.output
    assert "copied 2 files from" in imported.output
    deps = AttachDeps(sqlite_home, home.attachments, container.clock, Limits())
    mira = Actor.staff(flow.member("mira"))
    assert read(deps, 1, mira) == {"db.log": b"the log", "trace.txt": b"internal trace"}
    assert read(deps, 3, Actor.requester("li@example.org")) == {"db.log": b"the log"}


def test_an_export_without_its_files_is_refused_whole(
    monkeypatch, tmp_path, container, with_files, sqlite_home
):
    out = tmp_path / "tickets.jsonl"
    assert rtflow_on(monkeypatch, container, "export", "--out", str(out)).exit_code == 0
    shutil.rmtree(tmp_path / "tickets.jsonl.files")
    refused = rtflow_on(monkeypatch, home_of(sqlite_home, tmp_path), "import", str(out))
    assert refused.exit_code == 1
    assert "its tickets name 2 files" in refused.output
    assert "nothing was imported" in refused.output
    assert sqlite_home.numbers() == []


def test_a_file_missing_from_the_export_is_named_and_filled_in_by_a_second_import(
    monkeypatch, tmp_path, container, with_files, sqlite_home, flow
):
    out = tmp_path / "tickets.jsonl"
    assert rtflow_on(monkeypatch, container, "export", "--out", str(out)).exit_code == 0
    kept = {p.name: p for p in (tmp_path / "tickets.jsonl.files").rglob("*") if p.is_file()}
    trace = next(p for p in kept.values() if p.read_bytes() == b"internal trace")
    aside = trace.rename(tmp_path / "trace-aside")
    home = home_of(sqlite_home, tmp_path)

    first = rtflow_on(monkeypatch, home, "import", str(out))
    assert first.exit_code == 0, first.output
    assert "1 files were not in" in first.output and "#1 trace.txt" in first.output
    deps = AttachDeps(sqlite_home, home.attachments, container.clock, Limits())
    mira = Actor.staff(flow.member("mira"))
    with pytest.raises(TicketNotFound):  # a record without its bytes answers 404
        read(deps, 1, mira)

    aside.rename(trace)
    second = rtflow_on(monkeypatch, home, "import", str(out))
    assert second.exit_code == 0, second.output
    assert "skipped 4, already there" in second.output
    assert read(deps, 1, mira) == {"db.log": b"the log", "trace.txt": b"internal trace"}
