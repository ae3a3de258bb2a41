"""The staff search's query string: one pydantic model that the API, the console page and its
CSV download validate with and that the OpenAPI document lists as parameters.

Every value comes from a URL (a saved view is a URL), so each is checked and a bad one named
with a message the reader can act on: a 422 with `errors`, never a 500. The type and the
owner are checked against the flow config, given as the validation context.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from services.domain.errors import ValidationFailed
from services.domain.flow import FlowConfig
from services.domain.lifecycle import FINISHED, Status
from services.domain.search import MAX_WORDS, SORTS, SearchQuery

from ..query_checks import clean, invalid, known_owner, known_type, search_words, shown

PER_PAGE = 50
PER_PAGE_MAX = 100
# A CSV download holds this many tickets at most (and by default): the rest by its next link.
CSV_ROWS_MAX = 10_000
GROUPS: dict[str, frozenset[Status]] = {
    "all": frozenset(Status),
    "open": frozenset(s for s in Status if s not in FINISHED),
    "finished": frozenset(FINISHED),
}
STATUS_CHOICES = [*GROUPS, *(s.value for s in Status)]
FORMATS = ("json", "csv")
_CURSOR = re.compile(r"^[A-Za-z0-9_-]{0,200}$")


def _choice(name: str, choices: list[str] | tuple[str, ...], default: str, value: object) -> str:
    raw = clean(value) or default
    if raw not in choices:
        raise invalid(f"unknown {name} {shown(raw)}: choose " + ", ".join(choices))
    return raw


class FindQuery(BaseModel):
    """Which tickets staff look for, in what order, which page, in which format."""

    model_config = ConfigDict(frozen=True)

    q: str = Field(
        default="",
        description=f"words, every one must match (at most {MAX_WORDS}): number, title, "
        "requirements, end state, acceptance criteria, requester, comments and replies",
    )
    status: Annotated[str, WithJsonSchema({"type": "string", "enum": STATUS_CHOICES})] = Field(
        default="all", description="`all` (the default), `open`, `finished` or one status"
    )
    type: str | None = Field(default=None, description="a ticket type's name")
    owner: str | None = Field(default=None, description="a team member's id")
    requester: str | None = Field(default=None, description="the requester's address")
    sort: Annotated[str, WithJsonSchema({"type": "string", "enum": list(SORTS)})] = Field(
        default="newest",
        description="`newest` (the default) or `oldest` by number; `updated`: the last change "
        "first (refused when more than 1,000 tickets match)",
    )
    cursor: str = Field(default="", description="the `next` of the page before")
    format: Annotated[str, WithJsonSchema({"type": "string", "enum": list(FORMATS)})] = Field(
        default="json", description="`csv`: the same tickets as text/csv"
    )
    # After `format`: the page size it allows depends on it.
    per_page: int = Field(
        default=PER_PAGE,
        ge=1,
        le=CSV_ROWS_MAX,
        description=f"tickets per page: JSON {PER_PAGE} by default, at most {PER_PAGE_MAX}; "
        f"CSV {CSV_ROWS_MAX:,} by default and at most",
    )

    @field_validator("q", mode="before")
    @classmethod
    def _words(cls, value: object) -> str:
        return search_words(value)

    @field_validator("status", mode="before")
    @classmethod
    def _known_status(cls, value: object) -> str:
        return _choice("status", STATUS_CHOICES, "all", value)

    @field_validator("type", mode="before")
    @classmethod
    def _known_type(cls, value: object, info: ValidationInfo) -> str | None:
        return known_type(value, info)

    @field_validator("owner", mode="before")
    @classmethod
    def _known_owner(cls, value: object, info: ValidationInfo) -> str | None:
        return known_owner(value, info)

    @field_validator("requester", mode="before")
    @classmethod
    def _address(cls, value: object) -> str | None:
        address = clean(value).lower() or None
        if address and (len(address) > 254 or address.count("@") != 1 or " " in address):
            raise invalid("an email address, such as ana@example.org")
        return address

    @field_validator("sort", mode="before")
    @classmethod
    def _known_sort(cls, value: object) -> str:
        return _choice("sort", SORTS, "newest", value)

    @field_validator("cursor", mode="before")
    @classmethod
    def _cursor(cls, value: object) -> str:
        cursor = clean(value)
        if not _CURSOR.match(cursor):
            raise invalid("not a link this search made: start again from the first page")
        return cursor

    @field_validator("format", mode="before")
    @classmethod
    def _known_format(cls, value: object) -> str:
        return _choice("format", FORMATS, "json", value)

    @field_validator("per_page", mode="before")
    @classmethod
    def _page_size(cls, value: object, info: ValidationInfo) -> int:
        raw = clean(value)
        largest = CSV_ROWS_MAX if info.data.get("format") == "csv" else PER_PAGE_MAX
        if not raw:
            return CSV_ROWS_MAX if info.data.get("format") == "csv" else PER_PAGE
        if not raw.isdigit() or not 1 <= int(raw) <= largest:
            raise invalid(f"a whole number from 1 to {largest:,}")
        return int(raw)

    def search(self, *, public: bool = False) -> SearchQuery:
        statuses = GROUPS.get(self.status) or frozenset({Status(self.status)})
        return SearchQuery.of(
            self.q,
            statuses=statuses,
            type=self.type,
            owner=self.owner,
            requester=self.requester,
            sort=self.sort,
            after=self.cursor,
            limit=self.per_page,
            public=public,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string of this view (or of it with `changes`), defaults left out: links
        keep the filters, and a saved view is its URL."""
        f = self.model_copy(update=changes)
        default_size = CSV_ROWS_MAX if f.format == "csv" else PER_PAGE
        values = {
            "q": f.q,
            "status": f.status if f.status != "all" else None,
            "type": f.type,
            "owner": f.owner,
            "requester": f.requester,
            "sort": f.sort if f.sort != "newest" else None,
            "per_page": f.per_page if f.per_page != default_size else None,
            "format": f.format if f.format != "json" else None,
            "cursor": f.cursor,
        }
        return {k: str(v) for k, v in values.items() if v}


def parse_find(args: Mapping[str, str], flow: FlowConfig) -> FindQuery:
    """The query string, checked against the flow config; ValidationFailed names each bad
    field. Parameters the search does not know are ignored."""
    given = {name: args.get(name) for name in FindQuery.model_fields}
    try:
        return FindQuery.model_validate(given, context={"flow": flow})
    except ValidationError as e:
        raise ValidationFailed({str(err["loc"][0]): err["msg"] for err in e.errors()}) from None
