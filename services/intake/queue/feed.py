"""/queue.atom: Atom 1.0, one entry per recently updated public ticket; each links to its
row on the public queue. The template is autoescaped (its name ends in .xml)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Response, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from services.domain.ticket import Ticket

from .query import PER_PAGE, InvalidQuery, parse_query
from .reading import feed_tickets, updated
from .web import bp, cacheable, container, labels, names, permalink, tickets, uncached, url

# Characters XML 1.0 forbids (and lone surrogates, which cannot be encoded): dropped from text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _summary(t: Ticket, member_names: dict[str, str], type_labels: dict[str, str]) -> str:
    owner = (member_names.get(t.owner) or "a former team member") if t.owner else "nobody yet"
    parts = (
        f"{t.last_update or 'Update'}: {_rfc3339(updated(t))[:16].replace('T', ' ')} UTC",
        f"Status: {t.status.value}",
        f"Type: {type_labels.get(t.type, t.type)}",
        f"Owner: {owner}",
        f"ETA: {t.eta.isoformat()}" if t.eta else "",
    )
    return xml_text(" · ".join(part for part in parts if part))


def _entry(t: Ticket, member_names: dict[str, str], type_labels: dict[str, str]) -> dict[str, str]:
    link = permalink(t.number)
    return {
        "id": link,
        "link": link,
        "title": xml_text(f"#{t.number} {t.title}"),
        "updated": _rfc3339(updated(t)),
        "published": _rfc3339(t.created_at),
        "type": t.type,
        "type_label": xml_text(type_labels.get(t.type, t.type)),
        "summary": _summary(t, member_names, type_labels),
    }


@bp.get("/queue.atom")
def feed() -> BaseResponse:
    c = container()
    try:
        q = parse_query(request.args, c.flow)
    except InvalidQuery as e:
        body = render_template("error.html", status=400, message=str(e))
        return uncached(Response(body, mimetype="text/html"), 400)
    now = c.clock.now()
    member_names, type_labels = names(), labels()
    entries = [_entry(t, member_names, type_labels) for t in feed_tickets(tickets(), q, now)]
    # The feed follows what changed lately: words do not narrow it (q is dropped).
    filters = q.params(page=1, after="", sort="", per_page=PER_PAGE, q="")
    body = render_template(
        "queue.xml",
        feed_id=url("/queue.atom", filters, absolute=True),
        self_url=url("/queue.atom", filters, absolute=True),
        html_url=url("/queue", filters, absolute=True),
        title=xml_text(f"{c.flow.team.name}: public queue"),
        author=xml_text(c.flow.team.name),
        updated=entries[0]["updated"] if entries else _rfc3339(now),
        entries=entries,
    )
    return cacheable(Response(body, mimetype="application/atom+xml"))
