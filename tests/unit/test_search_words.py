"""What a search reads of a ticket and how its words fold, the same on every home
(services/domain/search.py), and its cursor: opaque, and refused when it was made elsewhere."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from services.domain.errors import ValidationFailed
from services.domain.events import Event
from services.domain.search import (
    MAX_WORD,
    MAX_WORDS,
    SearchQuery,
    cursor,
    document,
    event_text,
    read_cursor,
    words,
)
from tests.contract.builders import ticket
from tests.fakes import FakeTicketRepository

AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_words_fold_case_and_accents_and_split_on_anything_else():
    assert words("Café DÉJÀ-vu, naïve_ROOT@Example.org #12") == [
        "cafe",
        "deja",
        "vu",
        "naive",
        "root",
        "example",
        "org",
        "12",
    ]
    assert words("tape TAPE Tape") == ["tape"]
    assert words("x" * MAX_WORD + " " + "y" * (MAX_WORD + 1)) == ["x" * MAX_WORD]


def test_an_event_adds_what_somebody_wrote_on_it():
    said = Event(1, "ticket.commented", AT, "staff:mira", False, {"message": "Quote sent"})
    rejected = Event(1, "ticket.rejected", AT, "staff:mira", True, {"reason": "Out of scope"})
    moved = Event(1, "ticket.assigned", AT, "staff:mira", True, {"owner": "priya"})
    assert event_text(said) == "Quote sent"
    assert event_text(rejected) == "Out of scope"
    assert event_text(moved) == ""  # who owns it is a filter, not words


def test_the_document_has_every_part_a_search_reads():
    t = ticket(FakeTicketRepository(), end_state="Lee logs in", acceptance_criteria=["ssh works"])
    note = Event(t.number, "ticket.commented", AT, "staff:mira", False, {"message": "vendor"})
    doc = document(t, [note])
    assert doc.title == f"{t.number} {t.title}"
    assert "Lee logs in" in doc.body and "ssh works" in doc.body
    assert doc.requester == "Ana Souza ana@example.org"
    assert doc.talk == "vendor"


def test_a_query_has_at_most_so_many_words():
    assert SearchQuery.of(" ".join(f"w{i}" for i in range(MAX_WORDS))).words
    with pytest.raises(ValidationFailed) as refused:
        SearchQuery.of(" ".join(f"w{i}" for i in range(MAX_WORDS + 1)))
    assert "q" in refused.value.errors


def test_a_cursor_reads_back_only_for_the_order_it_was_made_for():
    t = ticket(FakeTicketRepository())
    newest = cursor(SearchQuery(sort="newest"), t)
    assert read_cursor("newest", newest) == (None, t.number)
    by_update = cursor(SearchQuery(sort="updated"), t)
    assert read_cursor("updated", by_update) == (t.updated_at, t.number)
    forged = base64.urlsafe_b64encode(b"newest|x|1").decode()
    for sort, text in (("oldest", newest), ("newest", by_update), ("newest", forged)):
        with pytest.raises(ValidationFailed):
            read_cursor(sort, text)
    for text in ("", "%%%", "bm90IGEgY3Vyc29y"):
        with pytest.raises(ValidationFailed):
            read_cursor("newest", text)
