"""The public queue's query string: one pydantic model that the page, the API and the feed
validate with and that the OpenAPI document lists as its parameters, so the two cannot drift.

Every value comes from the URL, so each is checked and a bad one is named with a message the
reader can act on (a hand-edited URL is a 400, never a 500). The type and the owner are
checked against the flow config, given as the validation context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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

from services.domain.flow import FlowConfig
from services.domain.lifecycle import Status
from services.domain.search import MAX_WORDS, SearchQuery, words
from services.domain.ticket import FINISHED, Ticket

from ..query_checks import clean, invalid, known_owner, known_type, search_words, shown

OPEN_STATUSES = tuple(s for s in Status if s not in FINISHED)  # in life-cycle order
ALL_STATUSES = frozenset(Status)
PER_PAGE = 50
PER_PAGE_MAX = 100
PAGE_MAX = 10**6
TICKET_MAX = 10**9 - 1  # nine digits, as _NUMBER reads them

SORTS = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "updated": "Recently updated",
    "status": "By status, then oldest first",
}
# The finished partitions are read in the index's order: filing time, either way.
INDEX_SORTS = frozenset({"oldest", "newest"})
# The index cursor of both repositories: "<filing time, ISO 8601>#<ticket number>". It comes
# back from the client, so its shape is checked.
_CURSOR = re.compile(r"^[0-9][0-9T:.+\-Z]{9,39}#[0-9]{1,12}$")
_NUMBER = re.compile(r"^[0-9]{1,9}$")
# The page size given blank is refused, as the OpenAPI document says (issue 18); a blank page
# or ticket stays the default.
_NUMBERS = ("per_page",)
# A search's cursor (services/domain/search.py) is base64url; the search checks the rest.
_SEARCH_CURSOR = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
SEARCH_SORTS = frozenset({"newest", "oldest", "updated"})


class InvalidQuery(Exception):
    """The query string names something unknown; `errors` is field -> message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid query: " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _number(value: str, high: int) -> int | None:
    """A whole number from 1 to `high`, written plainly (no sign, no point, no exponent)."""
    if not _NUMBER.match(value) or not 1 <= int(value) <= high:
        return None
    return int(value)


def _finished(earlier: dict[str, Any]) -> bool:
    """A finished status asked for (and no single ticket): read by the index cursor. A field
    that failed is missing from `earlier`, as if it had not been given."""
    return earlier.get("status") in FINISHED and earlier.get("ticket") is None


class QueueQuery(BaseModel):
    """Which public tickets to show, in what order, which page. Fields are checked in this
    order: the later ones read the earlier (a finished status pages by cursor only)."""

    model_config = ConfigDict(frozen=True)

    q: str = Field(
        default="",
        description=f"words (at most {MAX_WORDS}), every one in the number or title of the "
        "ticket: a search, paged by the `next` link only, newest first by default",
    )
    status: Annotated[
        Status | None,
        WithJsonSchema({"type": "string", "enum": ["open", *(s.value for s in Status)]}),
    ] = Field(
        default=None,
        description="`open` (the default: every open status) or one status",
    )
    type: str | None = Field(
        default=None, description="a ticket type's name (see /api/v1/ticket-types)"
    )
    owner: str | None = Field(default=None, description="a team member's id")
    ticket: int | None = Field(
        default=None,
        ge=1,
        le=TICKET_MAX,
        description="only this ticket, if it is public, whatever its status",
    )
    page: int = Field(default=1, ge=1, le=PAGE_MAX, description="open tickets: the page, from 1")
    per_page: int = Field(
        default=PER_PAGE,
        ge=1,
        le=PER_PAGE_MAX,
        description=f"tickets per page (default {PER_PAGE})",
    )
    sort: Annotated[str, WithJsonSchema({"type": "string", "enum": list(SORTS)})] = Field(
        default="",
        description="default: `oldest` for open tickets, `newest` for finished ones (which "
        "sort by filing date only)",
    )
    after: str = Field(default="", description="finished tickets: the cursor from the `next` link")

    @field_validator("status", mode="before")
    @classmethod
    def _known_status(cls, value: object) -> Status | None:
        raw = clean(value)
        if not raw or raw == "open":
            return None
        if raw not in ALL_STATUSES:
            raise invalid(
                f"unknown status {shown(raw)}: choose open, " + ", ".join(s.value for s in Status)
            )
        return Status(raw)

    @field_validator("type", mode="before")
    @classmethod
    def _known_type(cls, value: object, info: ValidationInfo) -> str | None:
        return known_type(value, info)

    @field_validator("owner", mode="before")
    @classmethod
    def _known_owner(cls, value: object, info: ValidationInfo) -> str | None:
        return known_owner(value, info)

    @field_validator("ticket", mode="before")
    @classmethod
    def _ticket_number(cls, value: object) -> int | None:
        raw = clean(value)
        number = _number(raw, TICKET_MAX) if raw else None
        if raw and number is None:
            raise invalid("a ticket number: a whole number from 1")
        return number

    @field_validator("page", mode="before")
    @classmethod
    def _page_number(cls, value: object, info: ValidationInfo) -> int:
        raw = clean(value)
        page = _number(raw, PAGE_MAX) if raw else 1
        if page is None:
            raise invalid("a whole number from 1")
        if page > 1 and info.data.get("q"):
            raise invalid("a search pages with the `next` link")
        if page > 1 and _finished(info.data):
            raise invalid("resolved, closed and rejected tickets page with the `next` link")
        return page

    @field_validator("per_page", mode="before")
    @classmethod
    def _page_size(cls, value: object) -> int:
        raw = clean(value)
        per_page = _number(raw, PER_PAGE_MAX) if raw else PER_PAGE
        if per_page is None:
            raise invalid(f"a whole number from 1 to {PER_PAGE_MAX}")
        return per_page

    @field_validator("sort", mode="before")
    @classmethod
    def _known_sort(cls, value: object, info: ValidationInfo) -> str:
        sort = clean(value)
        if sort and sort not in SORTS:
            raise invalid("choose " + ", ".join(SORTS))
        if info.data.get("q"):
            if sort and sort not in SEARCH_SORTS:
                raise invalid("a search sorts newest, oldest or updated first")
            return sort
        if sort and sort not in INDEX_SORTS and _finished(info.data):
            raise invalid(
                "resolved, closed and rejected tickets sort by filing date only: "
                "newest or oldest first"
            )
        return sort

    @field_validator("after", mode="before")
    @classmethod
    def _index_cursor(cls, value: object, info: ValidationInfo) -> str:
        after = clean(value)
        if info.data.get("ticket") is not None:
            return ""  # one ticket: there is no next page
        if not after or "status" not in info.data:  # a bad status is named already
            return after
        if info.data.get("q"):
            if not _SEARCH_CURSOR.match(after):
                raise invalid("not a link this queue made: start again from the first page")
            return after
        if not _finished(info.data):
            raise invalid("only for resolved, closed or rejected tickets")
        if not _CURSOR.match(after):
            raise invalid("not a link this queue made: start again from the first page")
        return after

    @field_validator("q", mode="before")
    @classmethod
    def _words(cls, value: object) -> str:
        text = search_words(value)
        return text if words(text) else ""  # no word in it: no search

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def searching(self) -> bool:
        return bool(self.q) and self.ticket is None

    @property
    def order(self) -> str:
        """The sort applied: oldest first for open tickets, newest first for finished ones
        and for a search."""
        return self.sort or ("newest" if self.finished or self.searching else "oldest")

    def search(self) -> SearchQuery:
        """The public search of this view: titles and numbers of non-private tickets."""
        return SearchQuery.of(
            self.q,
            statuses=self.statuses,
            type=self.type,
            owner=self.owner,
            sort=self.order,
            after=self.after,
            limit=self.per_page,
            public=True,
        )

    @property
    def statuses(self) -> frozenset[Status]:
        if self.status is not None:
            return frozenset({self.status})
        return ALL_STATUSES if self.ticket is not None else frozenset(OPEN_STATUSES)

    def matches(self, ticket: Ticket, statuses: Iterable[Status] | None = None) -> bool:
        return (
            not ticket.private
            and (self.ticket is None or ticket.number == self.ticket)
            and ticket.status in (self.statuses if statuses is None else statuses)
            and (self.type is None or ticket.type == self.type)
            and (self.owner is None or ticket.owner == self.owner)
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string of this view (or of it with `changes`), defaults left out: the
        links between pages keep the filters."""
        q = self.model_copy(update=changes)
        values = {
            "q": q.q,
            "ticket": q.ticket,
            "status": q.status.value if q.status else None,
            "type": q.type,
            "owner": q.owner,
            "sort": q.sort,
            "per_page": q.per_page if q.per_page != PER_PAGE else None,
            "page": q.page if q.page > 1 else None,
            "after": q.after,
        }
        return {k: str(v) for k, v in values.items() if v}


def _unknown_or_blank(args: Mapping[str, str]) -> dict[str, str]:
    """A parameter the queue does not know is refused, not ignored: every new one would be a
    new URL for caches, and so a new read (issue 18). A page size given blank is refused too,
    as the OpenAPI document says (left out, it takes its default)."""
    known = list(QueueQuery.model_fields)
    errors = {
        shown(name).strip("'\""): "not a parameter of the queue; it takes " + ", ".join(known)
        for name in list(args)[:50]
        if name not in QueueQuery.model_fields
    }
    for name in _NUMBERS:
        if name in args and not clean(args.get(name)):
            errors[name] = "a whole number; leave it out for the default"
    return dict(list(errors.items())[:5])


def parse_query(args: Mapping[str, str], flow: FlowConfig) -> QueueQuery:
    """The query string, checked against the flow config; InvalidQuery names each bad field,
    and each parameter the queue does not know."""
    refused = _unknown_or_blank(args)
    if refused:
        raise InvalidQuery(refused)
    given = {name: args.get(name) for name in QueueQuery.model_fields}
    try:
        return QueueQuery.model_validate(given, context={"flow": flow})
    except ValidationError as e:
        raise InvalidQuery({str(err["loc"][0]): err["msg"] for err in e.errors()}) from None
