"""What the query strings of the public queue (queue/query.py) and the staff search
(find/query.py) check the same way: a bad value named in words a reader can act on (a 422
with `errors`, never a 500), and the type and owner checked against the flow config, which
each parser gives as the validation context."""

from __future__ import annotations

from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

from services.domain.flow import FlowConfig
from services.domain.search import MAX_WORDS, words

Q_MAX = 200  # characters of a search's words


def invalid(message: str) -> PydanticCustomError:
    # The message goes in the context: a brace in a quoted value is not a template field.
    return PydanticCustomError("invalid_query", "{message}", {"message": message})


def clean(value: object) -> str:
    return "" if value is None else str(value).strip()


def shown(value: str) -> str:
    """A bad value, quoted in its message: enough to recognise, never a wall of text."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def flow_of(info: ValidationInfo) -> FlowConfig:
    """The flow config the parser gives as the validation context."""
    assert info.context is not None, "validate with the parser: it gives the flow config"
    flow: FlowConfig = info.context["flow"]
    return flow


def known_type(value: object, info: ValidationInfo) -> str | None:
    name = clean(value) or None
    flow = flow_of(info)
    if name and flow.ticket_type(name) is None:
        raise invalid(
            f"unknown ticket type {shown(name)}: choose "
            + ", ".join(t.name for t in flow.ticket_types)
        )
    return name


def known_owner(value: object, info: ValidationInfo) -> str | None:
    member = clean(value) or None
    if member and flow_of(info).member(member) is None:
        raise invalid(f"unknown team member {shown(member)}")
    return member


def search_words(value: object) -> str:
    """A search's words as typed, trimmed: refused past Q_MAX characters or MAX_WORDS words."""
    text = clean(value)
    if len(text) > Q_MAX:
        raise invalid(f"at most {Q_MAX} characters")
    if len(words(text)) > MAX_WORDS:
        raise invalid(f"at most {MAX_WORDS} words")
    return text
