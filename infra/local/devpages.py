"""Pages that exist only on the embedded stack: the test clock, the captured mail, and where
the emulator is, with the hook secrets.

They are for the person at this machine: on by default only when the server listens on
loopback, and answering only to a loopback Host header, so a web page elsewhere cannot reach
them through a name it points at 127.0.0.1 (DNS rebinding).
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, abort, jsonify, render_template, request

from services.intake.origin import cross_site, origin_of

from .web_server import is_loopback

LOOPBACK_HOST = re.compile(r"(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?", re.IGNORECASE)


def dev_pages_on(listen_host: str, setting: bool | None) -> bool:
    """RTFLOW_DEV_PAGES when set; else on when the server listens on loopback only."""
    return is_loopback(listen_host) if setting is None else setting


def loopback_host_only():
    """Any other Host: as if there were no such pages (a 405 would say there are). A
    browser's request from another page (another origin, even on this machine, or a site the
    browser calls cross-site) is refused: a page elsewhere may not move the clock with a
    "simple" POST, nor read the mail."""
    if not request.path.startswith("/dev/"):
        return None
    if not LOOPBACK_HOST.fullmatch(request.host):
        abort(404)
    why = cross_site(origin_of(f"{request.scheme}://{request.host}"))
    if why:
        response = jsonify({"error": f"cross-site request refused: {why}"})
        response.status_code = 403
        return response
    return None


def dev_blueprint(mailbox, stack_info: dict, clock, settle) -> Blueprint:
    bp = Blueprint("dev", __name__, template_folder="templates")

    bp.before_app_request(loopback_host_only)

    @bp.get("/dev/clock")
    def read_clock():
        return jsonify({"now": clock.now().isoformat()})

    @bp.post("/dev/clock")
    def move_clock():
        """{"advance_seconds": N} or {"set": "<ISO time>"}; answers after the due jobs ran."""
        try:
            body = request.get_json(force=True, silent=True)
        except RecursionError:  # nested deeper than the parser goes: not a clock request
            body = None
        problem = _move(clock, body)
        if problem:
            response = jsonify({"error": problem})
            response.status_code = 400
            return response
        settle()
        return jsonify({"now": clock.now().isoformat()})

    @bp.get("/dev/mail.json")
    def mail_json():
        return jsonify({"messages": mailbox.messages()})

    @bp.get("/dev/mail")
    def mail_page():
        return render_template("dev_mail.html", messages=list(reversed(mailbox.messages())))

    @bp.get("/dev/stack.json")
    def stack_json():
        return jsonify(stack_info)

    @bp.after_request
    def no_cache(response):
        response.headers["Cache-Control"] = "no-store"
        return response

    return bp


def _move(clock, body: object) -> str:
    """Move the clock as `body` asks; what is wrong with the request, "" when it moved."""
    if not isinstance(body, dict) or len(body) != 1 or not {"advance_seconds", "set"} & set(body):
        return 'send {"advance_seconds": N} or {"set": "<ISO time with zone>"}'
    try:
        if "advance_seconds" in body:
            seconds = body["advance_seconds"]
            if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                return "advance_seconds must be a number"
            clock.advance(float(seconds))
        else:
            clock.set(datetime.fromisoformat(str(body["set"])))
    except ValueError as e:
        return str(e)
    return ""
