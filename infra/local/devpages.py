"""Pages that exist only on the embedded stack: the captured mail, and where the emulator is."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify, render_template, request


def dev_blueprint(mailbox, stack_info: dict, clock, settle) -> Blueprint:
    bp = Blueprint("dev", __name__, template_folder="templates")

    @bp.get("/dev/clock")
    def read_clock():
        return jsonify({"now": clock.now().isoformat()})

    @bp.post("/dev/clock")
    def move_clock():
        """{"advance_seconds": N} or {"set": "<ISO time>"}; answers after the due jobs ran."""
        problem = _move(clock, request.get_json(force=True, silent=True))
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
