"""/queue (HTML with a filter form) and /api/v1/queue (JSON): one page of the public queue."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from services.domain.lifecycle import Status

from ..views import ErrorBody, QueueFilters, QueuePage, QueueTicketView
from .query import PER_PAGE, PER_PAGE_MAX, SORTS, InvalidQuery, QueueQuery, parse_query
from .reading import READ_CAP, QueueResult, read_queue
from .web import bp, cacheable, container, labels, names, permalink, tickets, uncached, url

_Links = tuple[str, str | None, str | None]


def _links(q: QueueQuery, result: QueueResult, path: str, *, absolute: bool) -> _Links:
    """(first, previous, next) of this view."""
    first = url(path, q.params(page=1, after=""), absolute=absolute)
    if q.ticket is not None:
        return first, None, None
    if q.finished or q.searching:
        if not result.next_after:
            return first, None, None
        return first, None, url(path, q.params(after=result.next_after), absolute=absolute)
    pages = result.pages or 1
    prev = url(path, q.params(page=q.page - 1), absolute=absolute) if q.page > 1 else None
    nxt = url(path, q.params(page=q.page + 1), absolute=absolute) if q.page < pages else None
    return first, prev, nxt


def _page_of(q: QueueQuery, result: QueueResult, path: str, *, absolute: bool) -> QueuePage:
    member_names, type_labels, now = names(), labels(), container().clock.now()
    first, prev, nxt = _links(q, result, path, absolute=absolute)
    return QueuePage(
        tickets=[
            QueueTicketView.of(
                t,
                names=member_names,
                labels=type_labels,
                now=now,
                url=permalink(t.number),
            )
            for t in result.tickets
        ],
        filters=QueueFilters(
            status=q.status.value if q.status else (None if q.ticket else "open"),
            type=q.type,
            owner=q.owner,
            sort=q.order,
            ticket=q.ticket,
            q=q.q if q.searching else "",
        ),
        page=None if q.finished or q.searching else (1 if q.ticket else q.page),
        per_page=q.per_page,
        total=result.total,
        pages=result.pages,
        truncated=[s.value for s in result.truncated],
        first=first,
        previous=prev,
        next=nxt,
    )


def _form_choices() -> dict[str, Any]:
    """The filter form's options, as (value, text)."""
    flow = container().flow
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
        "labels": labels(),
        "names": names(),
    }


@bp.get("/queue")
def page() -> BaseResponse:
    c = container()
    try:
        q = parse_query(request.args, c.flow)
        result = read_queue(tickets(), q, c.search)
    except InvalidQuery as e:
        body = render_template(
            "queue.html", errors=e.errors, values=request.args, view=None, **_form_choices()
        )
        return uncached(Response(body, mimetype="text/html"), 400)
    view = _page_of(q, result, "/queue", absolute=False)
    body = render_template(
        "queue.html", errors={}, values=request.args, view=view, **_form_choices()
    )
    return cacheable(Response(body, mimetype="text/html"))


@bp.get("/api/v1/queue")
def api() -> BaseResponse:
    c = container()
    try:
        q = parse_query(request.args, c.flow)
        result = read_queue(tickets(), q, c.search)
    except InvalidQuery as e:
        body = ErrorBody(error="invalid query", errors=e.errors)
        return uncached(Response(body.model_dump_json(), mimetype="application/json"), 400)
    view = _page_of(q, result, "/api/v1/queue", absolute=True)
    return cacheable(Response(view.model_dump_json(), mimetype="application/json"))
