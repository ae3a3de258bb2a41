"""Pages that exist only on the embedded stack: the captured mail, and where the emulator is."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template


def dev_blueprint(mailbox, stack_info: dict) -> Blueprint:
    bp = Blueprint("dev", __name__, template_folder="templates")

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
