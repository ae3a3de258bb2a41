"""Attaching files (services/application/attaching.py): checked before anything is kept,
the bytes kept before the transaction that records them, the count guarded by the ticket's
version; and opening a file: staff any, the requester the public ones, anyone else none,
all refusals alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.application.attaching import (
    AttachDeps,
    Upload,
    attach,
    file_with_files,
    opened,
)
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.attachments import Limits, TooLarge, attachments
from services.domain.errors import StorageUnavailable, TicketNotFound, ValidationFailed
from tests.attachment_fakes import MemoryAttachmentStore
from tests.conftest import valid_ticket
from tests.fakes import FakeTicketRepository, FixedClock

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ANA = Actor.requester("ana@example.org", "Ana Souza")


def upload(name: str, body: bytes, size: int | None = None) -> Upload:
    return Upload(name, "text/plain", len(body) if size is None else size, lambda: body)


class RecordingRepository(FakeTicketRepository):
    def __init__(self, events: list[str]):
        super().__init__()
        self.order = events

    def save(self, ticket, change, **kwargs):
        super().save(ticket, change, **kwargs)
        self.order.append(f"save {change.event.kind}")


@pytest.fixture
def order() -> list[str]:
    return []


@pytest.fixture
def deps(order) -> AttachDeps:
    return AttachDeps(
        RecordingRepository(order),
        MemoryAttachmentStore(events=order),
        FixedClock(NOW),
        Limits(max_bytes=100, per_ticket=3),
    )


@pytest.fixture
def number(deps, flow, order) -> int:
    filed = file_ticket(
        valid_ticket(), TicketDeps(deps.tickets, flow, deps.clock, "s" * 48), source="api"
    )
    order.clear()  # what the tests do, from here
    return filed.ticket.number


def staff(flow, member="mira") -> Actor:
    return Actor.staff(flow.member(member))


def test_the_bytes_are_kept_before_the_event_that_names_them(deps, number, order):
    refs = attach(number, [upload("a.txt", b"aaa"), upload("b.txt", b"bb")], ANA, True, deps)
    assert order == [
        f"put {refs[0].sha256}",
        f"put {refs[1].sha256}",
        f"save {ev.ATTACHMENT_ADDED}",
    ]
    [added] = [e for e in deps.tickets.history(number) if e.kind == ev.ATTACHMENT_ADDED]
    assert [a.ref for a in attachments([added])] == refs


@pytest.mark.parametrize(
    ("files", "refusal", "words"),
    [
        ([], ValidationFailed, "choose a file to attach"),
        (
            [upload("big.iso", b"x" * 101)],
            TooLarge,
            "big.iso is 101 bytes; a file may be at most 100 bytes",
        ),
        ([upload("empty.txt", b"")], ValidationFailed, "empty.txt is empty"),
        (
            [upload(f"{i}", b"x") for i in range(6)],
            ValidationFailed,
            "attach at most 5 files at once",
        ),
        ([upload(f"{i}", b"x") for i in range(4)], ValidationFailed, "a ticket may hold 3 files"),
    ],
)
def test_what_the_limits_refuse_keeps_nothing(deps, number, order, files, refusal, words):
    with pytest.raises(refusal) as e:
        attach(number, files, ANA, True, deps)
    assert words in e.value.errors["file"]
    assert order == [] and deps.store.files == {}


def test_a_file_bigger_than_it_said_is_refused_when_read(deps, number, order):
    with pytest.raises(TooLarge):
        attach(number, [upload("liar.bin", b"x" * 500, size=10)], ANA, True, deps)
    assert order == []


def test_someone_else_finds_no_ticket_to_attach_to(deps, number, order):
    with pytest.raises(TicketNotFound):
        attach(number, [upload("a.txt", b"a")], Actor.requester("eve@example.net"), True, deps)
    assert order == []


def test_without_a_store_nothing_is_attached_and_the_answer_says_why(deps, number):
    bare = AttachDeps(deps.tickets, None, deps.clock, deps.limits)
    with pytest.raises(StorageUnavailable, match="keeps no attachments"):
        attach(number, [upload("a.txt", b"a")], ANA, True, bare)


def test_two_people_racing_for_the_last_place_leave_the_ticket_at_its_limit(deps, number, flow):
    attach(number, [upload("1", b"1"), upload("2", b"2")], ANA, True, deps)
    tickets, calls = deps.tickets, []
    history = tickets.history

    def history_with_a_racer(n):
        """Ours is read after the ticket; the racer saves before we do (on our second read,
        the one our change is decided on): our save meets a newer version, and we decide
        again on what is there now."""
        calls.append(n)
        seen = history(n)
        if len(calls) == 2:
            tickets.history = history
            attach(n, [upload("theirs", b"t")], staff(flow), True, deps)
            tickets.history = history_with_a_racer
        return seen

    tickets.history = history_with_a_racer
    with pytest.raises(ValidationFailed, match="this one has 3"):
        attach(number, [upload("ours", b"o")], ANA, True, deps)
    tickets.history = history
    assert len(calls) == 3  # checked, decided (lost the race), decided again
    assert [a.ref.name for a in attachments(tickets.history(number))] == ["1", "2", "theirs"]


def test_staff_open_every_file_and_the_requester_only_the_public_ones(deps, number, flow):
    [public] = attach(number, [upload("a.txt", b"for ana")], staff(flow), True, deps)
    [internal] = attach(number, [upload("b.txt", b"for us")], staff(flow), False, deps)
    assert opened(number, internal.id, staff(flow, "tomas"), deps)[1].read() == b"for us"
    assert opened(number, public.id, ANA, deps)[1].read() == b"for ana"
    for actor, attachment_id in [
        (ANA, internal.id),
        (Actor.requester("eve@example.net"), public.id),
        (None, public.id),
        (staff(flow), "0" * 32),
    ]:
        with pytest.raises(TicketNotFound):
            opened(number, attachment_id, actor, deps)


def test_a_record_whose_bytes_are_gone_answers_as_no_file(deps, number, flow):
    [ref] = attach(number, [upload("a.txt", b"gone")], ANA, True, deps)
    deps.store.files.clear()
    with pytest.raises(TicketNotFound):
        opened(number, ref.id, staff(flow), deps)


def test_the_filing_form_names_every_problem_at_once_and_keeps_nothing(deps, flow, order):
    ticket_deps = TicketDeps(deps.tickets, flow, deps.clock, "s" * 48)
    with pytest.raises(TooLarge) as e:
        file_with_files(
            valid_ticket(title=""), [upload("big.iso", b"x" * 101)], ticket_deps, deps, source="web"
        )
    assert set(e.value.errors) == {"file", "title"}
    assert order == []


def test_the_filing_forms_files_are_on_the_filing(deps, flow, order):
    ticket_deps = TicketDeps(deps.tickets, flow, deps.clock, "s" * 48)
    filed = file_with_files(
        valid_ticket(), [upload("a.txt", b"a")], ticket_deps, deps, source="web"
    )
    [event] = deps.tickets.history(filed.ticket.number)
    assert event.kind == ev.TICKET_FILED
    assert [a.ref.name for a in attachments([event], public_only=True)] == ["a.txt"]
    assert order[0].startswith("put ")
