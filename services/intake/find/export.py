"""The staff search as CSV: one row per ticket, the columns of the JSON list, every cell a
spreadsheet would run as a formula (= + - @ tab CR first) quoted with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from services.domain.ticket import Ticket

HEADER = (
    "number",
    "title",
    "type",
    "status",
    "owner",
    "requester_name",
    "requester_email",
    "private",
    "created_at",
    "updated_at",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def row(t: Ticket) -> list[str]:
    values = (
        t.number,
        t.title,
        t.type,
        t.status.value,
        t.owner,
        t.requester.name,
        t.requester.email,
        "yes" if t.private else "no",
        t.created_at.isoformat(),
        t.updated_at.isoformat(),
    )
    return [safe(v) for v in values]


def lines(pages: Iterable[list[Ticket]]) -> Iterator[str]:
    """The header, then the rows of each page as it comes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for page in pages:
        writer.writerows(row(t) for t in page)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.getvalue():
        yield out.getvalue()


def csv_text(pages: Iterable[list[Ticket]]) -> str:
    return "".join(lines(pages))
