"""The search's CSV cells: what a spreadsheet would run as a formula is quoted, the rest kept."""

from __future__ import annotations

import pytest

from services.intake.find.export import csv_text, safe


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_starts_like_a_formula_is_quoted(text):
    assert safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Plain", "a=b", "", "'quoted", 12])
def test_other_cells_stay_as_they_are(value):
    assert safe(value) == str(value)


def test_no_tickets_is_a_header_alone():
    assert (
        csv_text([])
        == csv_text([[]])
        == (
            "number,title,type,status,owner,requester_name,requester_email,private,"
            "created_at,updated_at\r\n"
        )
    )
