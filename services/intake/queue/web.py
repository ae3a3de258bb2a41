"""What the queue's pages share: the blueprint, links, names, and the caching rules.

Caching: the answers depend on nothing but the URL, so they are `public, max-age=30` with an
ETag (a reload within 30 s is free, a revalidation that finds nothing new is a 304). A request
that carries a token or credentials is `no-store`, like every such request in the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request
from werkzeug.wrappers import Response as BaseResponse

from .snapshot import OpenSnapshot

bp = Blueprint("queue", __name__)

MAX_AGE = 30
_SNAPSHOT = "rtflow.queue_snapshot"
_READS_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})


def container() -> Any:
    return current_app.extensions["rtflow"]


def tickets() -> OpenSnapshot:
    """The repository as the queue reads it: the open statuses from this app's snapshot."""
    kept = current_app.extensions.get(_SNAPSHOT)
    if kept is None:
        kept = current_app.extensions.setdefault(_SNAPSHOT, OpenSnapshot(container().tickets))
    return kept


@bp.after_app_request
def drop_snapshot(response: Response) -> Response:
    """A change made through this app shows on the queue at once (snapshot.py)."""
    kept = current_app.extensions.get(_SNAPSHOT)
    if kept is not None and request.method not in _READS_ONLY:
        kept.drop()
    return response


def url(path: str, params: Mapping[str, str], *, absolute: bool = False, anchor: str = "") -> str:
    base = container().settings.base_url.rstrip("/") if absolute else ""
    query = f"?{urlencode(params)}" if params else ""
    return f"{base}{path}{query}{anchor}"


def permalink(number: int) -> str:
    """The ticket's row on the public queue, as a full URL (feeds and the API hand it out)."""
    return url("/queue", {"ticket": str(number)}, absolute=True, anchor=f"#ticket-{number}")


def names() -> dict[str, str]:
    return {m.id: m.name for m in container().flow.team.members}


def labels() -> dict[str, str]:
    return {t.name: t.label for t in container().flow.ticket_types}


def _private_request() -> bool:
    """A token or credentials on the request: private to its reader (as app.py rules)."""
    return "token" in request.args or request.authorization is not None


def cacheable(response: Response) -> BaseResponse:
    # Set here, not by setdefault: app.py's after_request makes every text/html answer
    # no-store unless the view said otherwise.
    if _private_request():
        response.headers["Cache-Control"] = "no-store"
        return response
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.add_etag()
    conditional = response.make_conditional(request)
    # make_conditional stamps a Date of its own; the server in front (waitress, API Gateway)
    # adds the one Date an answer should have.
    del conditional.headers["Date"]
    return conditional


def uncached(response: Response, status: int) -> Response:
    """A refusal: not worth keeping (a new team member makes the same URL valid)."""
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
