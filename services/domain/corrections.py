"""The fields staff may correct on a filed ticket, in plain words, and a correction told as a
history reads it ("Title: “VLAN” → “A VLAN for the lab”")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

# What a requester filled in, as people call it: asking for it, and telling of a change.
FIELD_WORDS = {
    "title": "title",
    "requirements": "requirements",
    "end_state": "end state",
    "acceptance_criteria": "acceptance criteria",
    "drop_dead_date": "drop-dead date",
    "nice_to_have_date": "nice-to-have date",
    "capacity_needs": "capacity and performance needs",
    "security_needs": "security and access needs",
    "dependencies": "dependencies",
}
# The fields a person may ask the requester for (the add-information form shows them).
ASKABLE = tuple(FIELD_WORDS)
# ... and the ones staff may correct: those, the type and the private flag.
CORRECTABLE = (*ASKABLE, "type", "private")
# Long text: the history says it changed and quotes its start; the event keeps it whole.
_QUOTE_MAX = 80


def words(field: str) -> str:
    return FIELD_WORDS.get(field, field.replace("_", " "))


def json_value(value: Any) -> Any:
    """A field's value as events store it: dates as ISO dates, lists as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return list(value)
    return value


def _quote(value: Any) -> str:
    if value in (None, ""):
        return "nothing"
    text = " ".join(str(value).split())
    if len(text) > _QUOTE_MAX:
        text = text[: _QUOTE_MAX - 1].rstrip() + "…"
    return f"“{text}”"


def _items(before: Any, after: Any) -> str:
    old, new = list(before or []), list(after or [])
    added = [_quote(x) for x in new if x not in old]
    removed = [_quote(x) for x in old if x not in new]
    parts = [f"added {', '.join(added)}"] if added else []
    if removed:
        parts.append(f"removed {', '.join(removed)}")
    return "; ".join(parts) or "reordered"


def _flag(before: Any, after: Any) -> str:
    return "made private" if after else "made public"


def _day(before: Any, after: Any) -> str:
    return f"{before or 'none'} → {after or 'none'}"


def _text(before: Any, after: Any) -> str:
    return f"{_quote(before)} → {_quote(after)}"


_TELL: dict[str, Callable[[Any, Any], str]] = {
    "acceptance_criteria": _items,
    "dependencies": _items,
    "drop_dead_date": _day,
    "nice_to_have_date": _day,
    "private": _flag,
}


def told(field: str, before: Any, after: Any) -> str:
    """One change in words: "End state: “x” → “y”", "Dependencies: added “z”", "Made private"."""
    said = _TELL.get(field, _text)(before, after)
    if field == "private":
        return said.capitalize()
    return f"{words(field).capitalize()}: {said}"
