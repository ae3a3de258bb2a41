"""The one intake schema: the web form, the JSON API, and later email and webhooks all turn
their input into a TicketDraft through `validate_draft`, so a rule is written once.

Two layers: `TicketDraft` checks shape and format (types, lengths, ISO dates, email), and
`missing_fields` checks completeness against the ticket type's requirements in the flow config.
The form and the API refuse incomplete tickets; sources that cannot ask back at once (email,
webhooks) will file them and let triage ask the requester.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from .errors import ValidationFailed
from .flow import FlowConfig, TicketType
from .watchers import MAX_CC, Address, split_addresses

TITLE_MAX = 200
TEXT_MAX = 10_000
ITEM_MAX = 500
ITEMS_MAX = 50

# One-line text (titles, names, list items) holds no control characters at all: it ends up
# in mail headers. Multi-line text may hold newlines and tabs.
_LINE = r"^[^\x00-\x1f\x7f]*$"
_MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=TEXT_MAX, pattern=_MULTILINE)
]
_Item = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=ITEM_MAX, pattern=_LINE),
]


# The field types every input path shares (intake, actions, later email and webhooks).
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX, pattern=_LINE),
]
RequiredText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX, pattern=_MULTILINE),
]
Item = _Item
Items = Annotated[list[_Item], Field(max_length=ITEMS_MAX)]


class Requester(BaseModel):
    # Built on first use (a filing, a correction): the handlers that never file skip it.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=_LINE)
    ]
    email: Annotated[EmailStr, Field(max_length=254)]

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str) -> str:
        if not v.isascii():
            # Internationalised addresses need SMTPUTF8, which SES does not offer.
            raise ValueError("must be written in ASCII characters")
        return v.lower()


def _context(info: ValidationInfo) -> dict[str, Any]:
    """What validate_draft passes to the validators: the flow config and today's date."""
    if not isinstance(info.context, dict):
        raise TypeError("validate TicketDraft through validate_draft (it needs the flow)")
    return info.context


def _kept(info: ValidationInfo) -> bool:
    """A correction judges only what it changes: a field it keeps stays as it was filed (a
    drop-dead date passed since, a type the flow config dropped)."""
    return info.field_name in _context(info).get("kept", ())


class TicketDraft(BaseModel):
    """What a requester asks for, checked for shape; validate with `validate_draft`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    type: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX, pattern=_LINE),
    ]
    requirements: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=TEXT_MAX, pattern=_MULTILINE
        ),
    ]
    end_state: _Text = ""
    acceptance_criteria: Annotated[list[_Item], Field(max_length=ITEMS_MAX)] = []
    drop_dead_date: date | None = None
    nice_to_have_date: date | None = None
    capacity_needs: _Text = ""
    security_needs: _Text = ""
    dependencies: Annotated[list[_Item], Field(max_length=ITEMS_MAX)] = []
    requester: Requester
    private: bool = False
    # Others copied on the ticket's public updates (domain/watchers.py).
    cc: list[Address] = []

    @field_validator("cc", mode="before")
    @classmethod
    def _few_addresses(cls, v: Any) -> Any:
        v = split_addresses(v)
        if isinstance(v, list) and len(v) > MAX_CC:
            raise ValueError(f"copy at most {MAX_CC} addresses")
        return v

    @field_validator("cc")
    @classmethod
    def _once_each(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(v))

    @field_validator("acceptance_criteria", "dependencies", mode="before")
    @classmethod
    def _lines(cls, v: Any) -> Any:
        # A textarea (or an API client) may send one statement per line.
        if isinstance(v, str):
            lines = (line.strip().removeprefix("- ").removeprefix("* ") for line in v.splitlines())
            return [line.strip() for line in lines if line.strip()]
        return v

    @field_validator("drop_dead_date", "nice_to_have_date", mode="before")
    @classmethod
    def _iso_date(cls, v: Any) -> Any:
        if v is None or v == "":
            return None
        if isinstance(v, date):
            return v
        if not isinstance(v, str):
            raise ValueError("must be an ISO date, YYYY-MM-DD")
        try:
            return date.fromisoformat(v.strip())
        except ValueError:
            raise ValueError("must be an ISO date, YYYY-MM-DD") from None

    @field_validator("type")
    @classmethod
    def _known_type(cls, v: str, info: ValidationInfo) -> str:
        flow: FlowConfig = _context(info)["flow"]
        if flow.ticket_type(v) is None and not _kept(info):
            names = ", ".join(t.name for t in flow.ticket_types)
            raise ValueError(f"unknown ticket type; choose one of: {names}")
        return v

    @field_validator("drop_dead_date", "nice_to_have_date")
    @classmethod
    def _not_past(cls, v: date | None, info: ValidationInfo) -> date | None:
        if v is not None and v < _context(info)["today"] and not _kept(info):
            raise ValueError("must not be in the past")
        return v

    @field_validator("nice_to_have_date")
    @classmethod
    def _before_drop_dead(cls, v: date | None, info: ValidationInfo) -> date | None:
        drop_dead = info.data.get("drop_dead_date")
        if v is not None and drop_dead is not None and v > drop_dead:
            raise ValueError("must not be after the drop-dead date")
        return v


def _blank(value: Any) -> bool:
    # Flat on purpose: raw client input may nest lists arbitrarily deep.
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(isinstance(v, str) and not v.strip() for v in value)
    return False


def _lookup(values: Mapping[str, Any], dotted: str) -> Any:
    current: Any = values
    for part in dotted.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def missing_fields(values: Mapping[str, Any], ticket_type: TicketType) -> list[str]:
    """The fields `ticket_type` requires that `values` leaves blank, in config order."""
    return [f for f in ticket_type.required_fields if _blank(_lookup(values, f))]


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_pattern_mismatch": "must not contain control characters",
    "string_type": "must be text",
    "list_type": "must be a list",
    "bool_type": "must be yes or no",
    "bool_parsing": "must be yes or no",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "date_type": "must be a date, YYYY-MM-DD",
    "date_parsing": "must be a date, YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date, YYYY-MM-DD",
    "dict_type": "must be an object with its own fields",
    "model_type": "must be an object with its own fields",
}
_EMAIL_PREFIX = "value is not a valid email address: "


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _plain(e: Any) -> str:
    """A pydantic error in the words a person filling in a form reads."""
    kind, ctx = e["type"], e.get("ctx") or {}
    given = e.get("input")
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "is required"  # blank, once trimmed
    if kind == "string_too_long":
        limit = _count(ctx["max_length"], "character", "characters")
        has = f" (this has {len(given):,})" if isinstance(given, str) else ""
        return f"is too long: at most {limit}{has}"
    if kind == "string_too_short":
        return f"is too short: at least {_count(ctx['min_length'], 'character', 'characters')}"
    if kind == "too_long":
        return f"has too many: at most {_count(ctx['max_length'], 'item', 'items')}"
    if kind == "too_short":
        return f"needs at least {_count(ctx['min_length'], 'item', 'items')}"
    message = str(e["msg"]).removeprefix("Value error, ")
    if message.startswith(_EMAIL_PREFIX):
        why = message.removeprefix(_EMAIL_PREFIX)
        return f"is not a mail address we can write to (like lee@example.org): {why}"
    return _MESSAGES.get(kind, message)


def field_errors(error: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for e in error.errors():
        # A list item's index stays out of the field name: forms and clients key on the field.
        parts = [str(p) for p in e["loc"] if not isinstance(p, int)]
        errors.setdefault(".".join(parts) or "body", _plain(e))
    return errors


def validate_draft(
    data: Any, *, flow: FlowConfig, today: date, require_complete: bool = True
) -> TicketDraft:
    """Check `data` against the intake rules; raise ValidationFailed naming every bad field."""
    if not isinstance(data, Mapping):
        raise ValidationFailed({"body": "must be a JSON object"})
    errors: dict[str, str] = {}
    draft: TicketDraft | None = None
    try:
        draft = TicketDraft.model_validate(data, context={"flow": flow, "today": today})
    except ValidationError as e:
        errors = field_errors(e)
    ticket_type = flow.ticket_type(str(data.get("type", "")).strip())
    if require_complete and ticket_type is not None:
        for field in missing_fields(data, ticket_type):
            if field.partition(".")[0] not in errors:  # `requester` wrong as a whole already
                errors.setdefault(field, f"is required for {ticket_type.label.lower()} tickets")
    if errors:
        raise ValidationFailed(errors)
    assert draft is not None
    return draft
