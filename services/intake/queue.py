"""The public queue: every non-private ticket, for anyone, as a page (/queue), JSON
(/api/v1/queue) and an Atom feed (/queue.atom).

Where it reads from: the sparse `by-public` GSI (TicketRepository.public), which holds
non-private tickets only, one partition per status, ordered by filing time. Never a scan.

- The open view (every open status, or one of them) reads each open status's partition whole,
  up to READ_CAP tickets each, and filters, sorts and pages in memory. An ops team has at most
  a few thousand open tickets, so this is a handful of Queries, and it is what makes sorting by
  last update or by status, page numbers and a total possible. When a partition holds more
  than the cap, the oldest READ_CAP are shown and the page says so (`truncated`).
- Resolved, closed and rejected tickets grow forever: they are read a page at a time with the
  index's own cursor (`after=`), newest (or oldest) first by filing time, so a page costs the
  same in year five as on day one. Filters apply while reading, bounded by FINISHED_BUDGET
  tickets and FINISHED_TRIPS Queries per page: with a selective filter a page may hold fewer
  than `per_page` tickets and still link to the next.
- `ticket=N` shows that one ticket if it is public, whatever its status: the permalink the
  feed's entries use (the status page needs the requester's token). A private or missing
  ticket gives the same empty answer.

Privacy: private tickets are not in the index; every path also drops any ticket marked private
(belt and braces: a wrong index entry must not publish one). Nothing here shows the requester,
the requirements or any event text: number, title, type, status, owner's name, age, ETA and
the summary of the last public step only.

Caching: the answers depend on nothing but the URL, so they are `public, max-age=30` with an
ETag (a reload within 30 s is free, a revalidation that finds nothing new is a 304). A request
that carries a token or credentials is `no-store`, like every such request in the app.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from services.domain.errors import TicketNotFound
from services.domain.flow import FlowConfig
from services.domain.lifecycle import Status
from services.domain.ports import TicketRepository
from services.domain.ticket import FINISHED, Ticket

from .views import ErrorBody, QueueFilters, QueuePage, QueueTicketView

bp = Blueprint("queue", __name__)

OPEN_STATUSES = tuple(s for s in Status if s not in FINISHED)  # in life-cycle order
ALL_STATUSES = frozenset(Status)
# Tickets read per open status at most (an ops team has a few thousand open at most).
READ_CAP = 2000
PER_PAGE = 50
PER_PAGE_MAX = 100
# A page of finished tickets reads at most this many index items, in at most this many Queries.
FINISHED_BUDGET = 1000
FINISHED_TRIPS = 10
FEED_ENTRIES = 50
# The feed finds recently finished tickets through the events of today and yesterday (UTC).
FEED_DAYS = 2
FEED_CANDIDATES = 500
MAX_AGE = 30

SORTS = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "updated": "Recently updated",
    "status": "By status, then oldest first",
}
# The finished partitions are read in the index's order: filing time, either way.
INDEX_SORTS = frozenset({"oldest", "newest"})
# The index cursor of both repositories: "<filing time, ISO 8601>#<ticket number>". It comes
# back from the client, so its shape is checked: a hand-edited URL is a 400, never a 500.
_CURSOR = re.compile(r"^[0-9][0-9T:.+\-Z]{9,39}#[0-9]{1,12}$")
_NUMBER = re.compile(r"^[0-9]{1,9}$")
# Characters XML 1.0 forbids (and lone surrogates, which cannot be encoded): dropped from text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class InvalidQuery(Exception):
    """The query string names something unknown; `errors` is field -> message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid query: " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class QueueQuery:
    status: Status | None = None  # None: every open status (any status with `ticket`)
    type: str | None = None
    owner: str | None = None
    sort: str = ""  # as asked; "" is the view's default (see `order`)
    page: int = 1
    per_page: int = PER_PAGE
    after: str = ""  # the index cursor of a finished status's next page
    ticket: int | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def order(self) -> str:
        """The sort applied: oldest first for open tickets, newest first for finished ones."""
        return self.sort or ("newest" if self.finished else "oldest")

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

    def params(self, **changes) -> dict[str, str]:
        """The query string of this view (or of it with `changes`), defaults left out: the
        links between pages keep the filters."""
        q = replace(self, **changes)
        values = {
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


def _number(value: str, low: int, high: int) -> int | None:
    value = value.strip()
    if not _NUMBER.match(value) or not low <= int(value) <= high:
        return None
    return int(value)


def _shown(value: str) -> str:
    """A bad value, quoted in its message: enough to recognise, never a wall of text."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def parse_query(args: Mapping[str, str], flow: FlowConfig) -> QueueQuery:
    """The query string, checked against the flow config; InvalidQuery names each bad field."""
    errors: dict[str, str] = {}

    def get(name: str) -> str:
        return (args.get(name) or "").strip()

    status: Status | None = None
    if (raw := get("status")) and raw != "open":
        try:
            status = Status(raw)
        except ValueError:
            errors["status"] = f"unknown status {_shown(raw)}: choose open, " + ", ".join(
                s.value for s in Status
            )

    type_ = get("type") or None
    if type_ and flow.ticket_type(type_) is None:
        errors["type"] = f"unknown ticket type {_shown(type_)}: choose " + ", ".join(
            t.name for t in flow.ticket_types
        )

    owner = get("owner") or None
    if owner and flow.member(owner) is None:
        errors["owner"] = f"unknown team member {_shown(owner)}"

    ticket = None
    if raw := get("ticket"):
        ticket = _number(raw, 1, 10**9)
        if ticket is None:
            errors["ticket"] = "a ticket number: a whole number from 1"

    page = 1
    if raw := get("page"):
        page = _number(raw, 1, 10**6) or 0
        if not page:
            errors["page"] = "a whole number from 1"

    per_page = PER_PAGE
    if raw := get("per_page"):
        per_page = _number(raw, 1, PER_PAGE_MAX) or 0
        if not per_page:
            errors["per_page"] = f"a whole number from 1 to {PER_PAGE_MAX}"

    finished = status in FINISHED and ticket is None
    sort = get("sort")
    if sort and sort not in SORTS:
        errors["sort"] = "choose " + ", ".join(SORTS)
    elif finished and sort and sort not in INDEX_SORTS:
        errors["sort"] = (
            "resolved, closed and rejected tickets sort by filing date only: newest or oldest first"
        )

    after = get("after")
    if after and ticket is None and "status" not in errors:
        if not finished:
            errors["after"] = "only for resolved, closed or rejected tickets"
        elif not _CURSOR.match(after):
            errors["after"] = "not a link this queue made: start again from the first page"
    if finished and page > 1 and "page" not in errors:
        errors["page"] = "resolved, closed and rejected tickets page with the `next` link"

    if errors:
        raise InvalidQuery(errors)
    return QueueQuery(
        status=status,
        type=type_,
        owner=owner,
        sort=sort,
        page=page,
        per_page=per_page,
        after=after if ticket is None else "",
        ticket=ticket,
    )


# -- reading -------------------------------------------------------------------------------


def _updated(t: Ticket) -> datetime:
    return t.last_update_at or t.created_at


_ORDER = {s: i for i, s in enumerate(Status)}
SORT_KEYS: dict[str, tuple[Callable[[Ticket], tuple], bool]] = {  # key, reverse
    "oldest": (lambda t: (t.created_at, t.number), False),
    "newest": (lambda t: (t.created_at, t.number), True),
    "updated": (lambda t: (_updated(t), t.number), True),
    "status": (lambda t: (_ORDER[t.status], t.created_at, t.number), False),
}


def sort_tickets(tickets: Iterable[Ticket], order: str) -> list[Ticket]:
    key, reverse = SORT_KEYS[order]
    return sorted(tickets, key=key, reverse=reverse)


@dataclass
class QueueResult:
    tickets: list[Ticket]
    total: int | None = None  # None: a finished status, paged by cursor
    pages: int | None = None
    next_after: str = ""  # the cursor of the next page of a finished status
    truncated: list[Status] = field(default_factory=list)


def read_open(
    repo: TicketRepository, statuses: Iterable[Status], *, newest_first: bool = False
) -> tuple[list[Ticket], list[Status]]:
    """Every public ticket of these open statuses (at most READ_CAP each) and the statuses
    that hold more than that."""
    found: list[Ticket] = []
    truncated: list[Status] = []
    for status in statuses:
        batch, more = repo.public(status, limit=READ_CAP, newest_first=newest_first)
        found += batch
        if more:
            truncated.append(status)
    return found, truncated


def _one(repo: TicketRepository, q: QueueQuery) -> QueueResult:
    try:
        ticket = repo.get(q.ticket or 0)
    except TicketNotFound:
        ticket = None
    shown = [ticket] if ticket is not None and q.matches(ticket) else []
    return QueueResult(shown, total=len(shown), pages=1)


def _open(repo: TicketRepository, q: QueueQuery) -> QueueResult:
    statuses = [s for s in OPEN_STATUSES if s in q.statuses]
    # When the cap bites, the newest-first view should lose the oldest, not the newest.
    found, truncated = read_open(repo, statuses, newest_first=q.order == "newest")
    matching = sort_tickets((t for t in found if q.matches(t)), q.order)
    start = (q.page - 1) * q.per_page
    return QueueResult(
        matching[start : start + q.per_page],
        total=len(matching),
        pages=max(1, math.ceil(len(matching) / q.per_page)),
        truncated=truncated,
    )


def _finished(repo: TicketRepository, q: QueueQuery) -> QueueResult:
    """A page of a finished status, straight from the index cursor. Each Query asks for just
    the tickets still missing, so the cursor it returns is exactly where the next page starts:
    no ticket is shown twice or skipped, however the filters thin the index out."""
    assert q.status is not None
    shown: list[Ticket] = []
    after, read, trips = q.after, 0, 0
    while len(shown) < q.per_page and read < FINISHED_BUDGET and trips < FINISHED_TRIPS:
        batch, after = repo.public(
            q.status,
            limit=q.per_page - len(shown),
            newest_first=q.order == "newest",
            after=after,
        )
        trips += 1
        read += len(batch)
        shown += [t for t in batch if q.matches(t)]
        if not after:
            break
    return QueueResult(shown, next_after=after)


def read_queue(repo: TicketRepository, q: QueueQuery) -> QueueResult:
    if q.ticket is not None:
        return _one(repo, q)
    if q.finished:
        return _finished(repo, q)
    return _open(repo, q)


def feed_tickets(
    repo: TicketRepository, q: QueueQuery, now: datetime, limit: int = FEED_ENTRIES
) -> list[Ticket]:
    """The most recently updated public tickets (by `last_update_at`), newest first.

    Open tickets come from the open partitions (as the page reads them). A finished ticket
    may have been filed years ago, so it sits deep in its partition; the ones finished or
    updated lately are found through the events of the last FEED_DAYS UTC days (the by-day
    index) and read with one batch get. Older finished tickets drop out of the feed, as feed
    readers expect."""
    statuses = q.statuses if q.status is not None else ALL_STATUSES
    found, _ = read_open(repo, [s for s in OPEN_STATUSES if s in statuses])
    if statuses & FINISHED:
        seen = {t.number for t in found}
        candidates: dict[int, None] = {}
        for days in range(FEED_DAYS):
            for e in reversed(repo.events_on((now - timedelta(days=days)).astimezone(UTC).date())):
                if e.public and e.ticket not in seen:
                    candidates.setdefault(e.ticket)
        numbers = list(candidates)[:FEED_CANDIDATES]
        got = repo.get_many(numbers) if numbers else {}
        found += [t for t in got.values() if t.status in FINISHED]
    recent = sort_tickets((t for t in found if q.matches(t, statuses)), "updated")
    return recent[:limit]


# -- the HTTP side -------------------------------------------------------------------------


def _container():
    return current_app.extensions["rtflow"]


def _url(path: str, params: Mapping[str, str], *, absolute: bool = False, anchor: str = "") -> str:
    base = _container().settings.base_url.rstrip("/") if absolute else ""
    query = f"?{urlencode(params)}" if params else ""
    return f"{base}{path}{query}{anchor}"


def permalink(number: int, *, absolute: bool = False) -> str:
    return _url("/queue", {"ticket": str(number)}, absolute=absolute, anchor=f"#ticket-{number}")


def _names() -> dict[str, str]:
    return {m.id: m.name for m in _container().flow.team.members}


def _labels() -> dict[str, str]:
    return {t.name: t.label for t in _container().flow.ticket_types}


def _private_request() -> bool:
    """A token or credentials on the request: private to its reader (as app.py rules)."""
    return "token" in request.args or request.authorization is not None


def _cacheable(response: Response) -> Response:
    # Set here, not by setdefault: app.py's after_request makes every text/html answer
    # no-store unless the view said otherwise.
    if _private_request():
        response.headers["Cache-Control"] = "no-store"
        return response
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.add_etag()
    return response.make_conditional(request)


def _uncached(response: Response, status: int) -> Response:
    """A refusal: not worth keeping (a new team member makes the same URL valid)."""
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _links(q: QueueQuery, result: QueueResult, path: str, *, absolute: bool):
    """(first, previous, next) of this view."""
    first = _url(path, q.params(page=1, after=""), absolute=absolute)
    if q.ticket is not None:
        return first, None, None
    if q.finished:
        nxt = _url(path, q.params(after=result.next_after), absolute=absolute)
        return first, None, nxt if result.next_after else None
    pages = result.pages or 1
    prev = _url(path, q.params(page=q.page - 1), absolute=absolute) if q.page > 1 else None
    nxt = _url(path, q.params(page=q.page + 1), absolute=absolute) if q.page < pages else None
    return first, prev, nxt


def _page_of(q: QueueQuery, result: QueueResult, path: str, *, absolute: bool) -> QueuePage:
    c = _container()
    names, labels, now = _names(), _labels(), c.clock.now()
    first, prev, nxt = _links(q, result, path, absolute=absolute)
    return QueuePage(
        tickets=[
            QueueTicketView.of(
                t, names=names, labels=labels, now=now, url=permalink(t.number, absolute=True)
            )
            for t in result.tickets
        ],
        filters=QueueFilters(
            status=q.status.value if q.status else (None if q.ticket else "open"),
            type=q.type,
            owner=q.owner,
            sort=q.order,
            ticket=q.ticket,
        ),
        page=None if q.finished else (1 if q.ticket else q.page),
        per_page=q.per_page,
        total=result.total,
        pages=result.pages,
        truncated=[s.value for s in result.truncated],
        first=first,
        previous=prev,
        next=nxt,
    )


def _form_choices():
    """The filter form's options, as (value, text)."""
    flow = _container().flow
    return {
        "status_options": [("open", "Every open status")] + [(s.value, s.value) for s in Status],
        # Types whose tickets are all private would always be empty: not offered.
        "type_options": [("", "Any type")]
        + [(t.name, t.label) for t in flow.ticket_types if not t.always_private],
        "owner_options": [("", "Anyone")]
        + [(m.id, m.name) for m in flow.members_with_role("engineer")],
        "sort_options": [("", "Default order"), *SORTS.items()],
        "per_page_options": [(str(n), str(n)) for n in sorted({25, PER_PAGE, PER_PAGE_MAX})],
        "default_per_page": PER_PAGE,
        "sorts": SORTS,
        "read_cap": READ_CAP,
        "labels": _labels(),
        "names": _names(),
    }


@bp.get("/queue")
def page():
    c = _container()
    try:
        q = parse_query(request.args, c.flow)
    except InvalidQuery as e:
        body = render_template(
            "queue.html", errors=e.errors, values=request.args, view=None, **_form_choices()
        )
        return _uncached(Response(body, mimetype="text/html"), 400)
    view = _page_of(q, read_queue(c.tickets, q), "/queue", absolute=False)
    body = render_template(
        "queue.html", errors={}, values=request.args, view=view, q=q, **_form_choices()
    )
    return _cacheable(Response(body, mimetype="text/html"))


@bp.get("/api/v1/queue")
def api():
    c = _container()
    try:
        q = parse_query(request.args, c.flow)
    except InvalidQuery as e:
        body = ErrorBody(error="invalid query", errors=e.errors)
        return _uncached(Response(body.model_dump_json(), mimetype="application/json"), 400)
    view = _page_of(q, read_queue(c.tickets, q), "/api/v1/queue", absolute=True)
    return _cacheable(Response(view.model_dump_json(), mimetype="application/json"))


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.get("/queue.atom")
def feed():
    """Atom 1.0: one entry per recently updated public ticket; each links to its row on the
    public queue. The template is autoescaped (its name ends in .xml)."""
    c = _container()
    try:
        q = parse_query(request.args, c.flow)
    except InvalidQuery as e:
        body = render_template("error.html", status=400, message=str(e))
        return _uncached(Response(body, mimetype="text/html"), 400)
    now = c.clock.now()
    names, labels = _names(), _labels()
    tickets = feed_tickets(c.tickets, q, now)
    filters = q.params(page=1, after="", sort="", per_page=PER_PAGE)
    entries = [
        {
            "id": permalink(t.number, absolute=True),
            "link": permalink(t.number, absolute=True),
            "title": xml_text(f"#{t.number} {t.title}"),
            "updated": _rfc3339(_updated(t)),
            "published": _rfc3339(t.created_at),
            "type": t.type,
            "type_label": xml_text(labels.get(t.type, t.type)),
            "summary": xml_text(
                " · ".join(
                    part
                    for part in (
                        f"{t.last_update or 'Update'}: {_rfc3339(_updated(t))[:16].replace('T', ' ')} UTC",
                        f"Status: {t.status.value}",
                        f"Type: {labels.get(t.type, t.type)}",
                        "Owner: "
                        + (
                            (names.get(t.owner) or "a former team member")
                            if t.owner
                            else "nobody yet"
                        ),
                        f"ETA: {t.eta.isoformat()}" if t.eta else "",
                    )
                    if part
                )
            ),
        }
        for t in tickets
    ]
    body = render_template(
        "queue.xml",
        feed_id=_url("/queue.atom", filters, absolute=True),
        self_url=_url("/queue.atom", filters, absolute=True),
        html_url=_url("/queue", filters, absolute=True),
        title=xml_text(f"{c.flow.team.name}: public queue"),
        author=xml_text(c.flow.team.name),
        updated=entries[0]["updated"] if entries else _rfc3339(now),
        entries=entries,
    )
    return _cacheable(Response(body, mimetype="application/atom+xml"))
