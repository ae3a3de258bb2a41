"""A refused field is said in plain words, never in pydantic's: the limit and what was given,
a mail address with an example, a date with its format, a list with its size."""

from __future__ import annotations

from datetime import date

import pytest

from services.domain.drafts import validate_draft
from services.domain.errors import ValidationFailed
from tests.conftest import valid_ticket


def refused(flow, **fields) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_draft(valid_ticket(**fields), flow=flow, today=date(2026, 11, 27))
    return caught.value.errors


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"requirements": "x" * 10_001},
            "requirements",
            "is too long: at most 10,000 characters (this has 10,001)",
        ),
        ({"title": "t" * 201}, "title", "is too long: at most 200 characters (this has 201)"),
        (
            {"acceptance_criteria": ["a"] * 51},
            "acceptance_criteria",
            "has too many: at most 50 items",
        ),
        ({"title": 5}, "title", "must be text"),
        ({"private": "maybe"}, "private", "must be yes or no"),
        ({"title": "   "}, "title", "is required"),
        (
            {"requester": {"name": "Lee", "email": "lee@example"}},
            "requester.email",
            "is not a mail address we can write to (like lee@example.org): The part after the"
            " @-sign is not valid. It should have a period.",
        ),
    ],
)
def test_a_refused_field_reads_as_words(flow, fields, field, message):
    assert refused(flow, **fields)[field] == message


def test_no_message_speaks_pydantic(flow):
    errors = refused(
        flow,
        title=["a list"],
        requirements="x" * 20_000,
        acceptance_criteria="one",
        private={"no": 1},
        requester={"name": "", "email": "nobody"},
    )
    for message in errors.values():
        for words in ("should have", "Input should", "String should", "List should", "value is"):
            assert words not in message, message
