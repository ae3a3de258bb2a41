"""Attachments in the domain: names made safe, sizes in words, the limits, who may attach,
and which files each reader sees (a file is as public as the event that brought it)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.domain.actors import Actor
from services.domain.attachments import (
    NAME_MAX,
    OCTET_STREAM,
    Limits,
    TooLarge,
    attachments,
    check_room,
    check_sizes,
    find,
    media_type,
    new_ref,
    room_left,
    safe_name,
    size_words,
)
from services.domain.errors import Forbidden, ValidationFailed
from tests.conftest import valid_ticket
from tests.fakes import FakeTicketRepository, FixedClock

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ANA = Actor.requester("ana@example.org", "Ana Souza")
LOG = new_ref("db.log", "text/plain", 12, "a" * 64)
LIMITS = Limits()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\Desktop\\shot.png", "shot.png"),
        ("Überweisung März.pdf", "Überweisung März.pdf"),
        ("日本語.txt", "日本語.txt"),
        ('a<b>:"c"|?*.csv', "abc.csv"),
        ("tab\there\nnewline.txt", "tab here newline.txt"),
        ("  .hidden  ", "hidden"),
        ("..", "file"),
        ("", "file"),
        ("CON", "CON_"),
    ],
)
def test_names_keep_what_a_person_reads_and_lose_paths_and_reserved_characters(given, kept):
    assert safe_name(given) == kept


def test_a_long_name_is_cut_and_keeps_its_extension():
    name = safe_name("x" * 300 + ".tar.gz")
    assert len(name) == NAME_MAX and name.endswith("x.gz")


@pytest.mark.parametrize(
    ("declared", "kept"),
    [
        ("text/plain; charset=utf-8", "text/plain"),
        ("IMAGE/PNG", "image/png"),
        ("text/html\r\nX-Injected: 1", OCTET_STREAM),
        ("", OCTET_STREAM),
        (None, OCTET_STREAM),
        ("nonsense", OCTET_STREAM),
    ],
)
def test_the_declared_type_is_kept_only_when_it_reads_as_one(declared, kept):
    assert media_type(declared) == kept


@pytest.mark.parametrize(
    ("size", "words"),
    [(1, "1 byte"), (900, "900 bytes"), (12 * 1024, "12 KB"), (10 * 1024 * 1024, "10 MB")],
)
def test_sizes_read_as_people_say_them(size, words):
    assert size_words(size) == words


def test_a_file_over_the_limit_is_too_large_and_named():
    with pytest.raises(TooLarge) as e:
        check_sizes([("ok.txt", 10), ("big.iso", 12 * 1024 * 1024)], Limits())
    assert e.value.errors == {"file": "big.iso is 12 MB; a file may be at most 10 MB"}


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationFailed) as e:
        check_sizes([("empty.txt", 0)], Limits())
    assert not isinstance(e.value, TooLarge)
    assert e.value.errors == {"file": "empty.txt is empty"}


def test_the_ticket_holds_so_many_files():
    limits = Limits(per_ticket=3)
    check_room(2, 2, limits)
    with pytest.raises(ValidationFailed, match="a ticket may hold 3 files; this one has 1, so 2"):
        check_room(3, 2, limits)
    with pytest.raises(ValidationFailed, match="a ticket may hold 3 files; this one has 3$"):
        check_room(1, 0, limits)


@pytest.fixture
def deps(flow):
    return TicketDeps(FakeTicketRepository(), flow, FixedClock(NOW), "s" * 48)


def attach(deps, ticket, actor, public=True, files=(LOG,), limits=LIMITS):
    history = deps.tickets.history(ticket.number)
    change = ticket.attach(
        now=NOW, actor=actor, files=list(files), public=public, history=history, limits=limits
    )
    deps.tickets.save(ticket, change)
    return change.event


def test_staff_and_the_requester_attach_and_nobody_else(deps, flow):
    ticket = file_ticket(valid_ticket(), deps, source="api").ticket
    assert attach(deps, ticket, ANA).public is True
    assert attach(deps, ticket, Actor.staff(flow.member("tomas")), public=False).public is False
    for stranger in (
        Actor.requester("eve@example.net"),
        Actor.source("github", "octocat"),
        Actor.system("triage"),
    ):
        with pytest.raises(Forbidden):
            attach(deps, ticket, stranger)


def test_the_requesters_files_are_public_whatever_they_ask(deps):
    ticket = file_ticket(valid_ticket(), deps, source="api").ticket
    assert attach(deps, ticket, ANA, public=False).public is True


def test_a_finished_ticket_still_takes_files_and_keeps_its_status(deps, flow):
    ticket = file_ticket(valid_ticket(), deps, source="api").ticket
    deps.tickets.save(
        ticket, ticket.reject(now=NOW, actor=Actor.staff(flow.member("mira")), reason="no")
    )
    attach(deps, ticket, ANA)
    assert deps.tickets.get(ticket.number).status.value == "rejected"


def test_a_ticket_takes_no_more_files_than_the_limit(deps):
    limits = Limits(per_ticket=2)
    ticket = file_ticket(valid_ticket(), deps, source="api").ticket
    attach(deps, ticket, ANA, limits=limits)
    with pytest.raises(ValidationFailed, match="so 1 more at most"):
        attach(deps, ticket, ANA, files=(LOG, LOG), limits=limits)
    attach(deps, ticket, ANA, limits=limits)
    assert room_left(deps.tickets.history(ticket.number), limits) == 0


def test_the_requester_sees_the_public_files_and_staff_all(deps, flow):
    ticket = file_ticket(
        valid_ticket(), deps, source="web", details={"attachments": [LOG.model_dump()]}
    ).ticket
    trace = new_ref("trace.txt", "text/plain", 5, "b" * 64)
    attach(deps, ticket, Actor.staff(flow.member("mira")), public=False, files=(trace,))
    history = deps.tickets.history(ticket.number)
    assert [a.ref.name for a in attachments(history)] == ["db.log", "trace.txt"]
    assert [a.ref.name for a in attachments(history, public_only=True)] == ["db.log"]
    assert find(history, trace.id, public_only=True) is None
    assert find(history, trace.id, public_only=False).actor == "staff:mira"


def test_a_damaged_record_is_left_out_rather_than_half_shown(deps):
    ticket = file_ticket(
        valid_ticket(), deps, source="web", details={"attachments": [{"id": "x"}]}
    ).ticket
    assert attachments(deps.tickets.history(ticket.number)) == []


def test_a_file_just_over_the_limit_does_not_read_as_the_limit():
    with pytest.raises(TooLarge) as e:
        check_sizes([("big.bin", 10 * 1024 * 1024 + 1)], Limits())
    assert e.value.errors == {"file": "big.bin is more than 10 MB; a file may be at most 10 MB"}
