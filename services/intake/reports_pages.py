"""The staff's reports page, /staff/reports: the latest daily and weekly reports the
scheduled `reports` function wrote to the reports bucket, and one of them shown in the page.

Signing in is the console's: its before-request check, context and referrer policy are reused
as they are. A report is served as the stored object. The HTML one is shown in a sandboxed
frame under its own Content-Security-Policy: its inline styles (mail clients need them) may
apply, and nothing in it can run, whatever a ticket's title said.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import NotFound

from . import console

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")
bp.before_request(console.require_staff)
bp.after_request(console.same_origin_referrer)
bp.context_processor(console.console_globals)

KINDS = ("daily", "weekly")
SHOWN = {"daily": 14, "weekly": 8}
_PERIOD = re.compile(r"^\d{4}-(\d{2}-\d{2}|W\d{2})$")
TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
# The stored page: inline styles and data: images only, no script, framed by our pages only.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox"
)


def _store():
    return current_app.extensions["rtflow"].report_store


@bp.get("/")
def index():
    store = _store()
    periods = {kind: store.periods(kind, SHOWN[kind]) for kind in KINDS} if store else {}
    kind, period = request.args.get("kind", ""), request.args.get("period", "")
    if kind not in KINDS or not _PERIOD.match(period):
        kind, period = next(((k, p[0]) for k, p in periods.items() if p), ("", ""))
    shown = url_for("reports.report", kind=kind, period=period, fmt="html") if kind else None
    return render_template(
        "staff/reports.html",
        configured=store is not None,
        periods=periods,
        kind=kind,
        period=period,
        shown=shown,
    )


@bp.get("/<any(daily, weekly):kind>/<period>/report.<any(html, csv, json):fmt>")
def report(kind: str, period: str, fmt: str):
    store = _store()
    if store is None or not _PERIOD.match(period):
        raise NotFound()
    body = store.get(kind, period, fmt)
    if body is None:
        raise NotFound()
    response = Response(body, content_type=TYPES[fmt])
    if fmt == "html":
        response.headers["Content-Security-Policy"] = REPORT_CSP
    else:
        name = f"rtflow-{kind}-{period}.{fmt}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
