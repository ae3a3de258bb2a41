"""The public pages: home, the intake form, the confirmation and the status page.

Plain HTML forms (no JavaScript needed). A rejected form is rendered again with every value
the requester typed and a message next to each bad field."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from services.application import actions
from services.application.attaching import file_with_files
from services.domain.attachments import TooLarge
from services.domain.errors import ValidationFailed
from services.domain.flow import OPTIONAL_FIELDS

from .attachments import deps as attach_deps
from .attachments import form_uploads
from .status import requester_by_token, requester_view, status_url

bp = Blueprint("pages", __name__)

TEXT_FIELDS = ("title", "requirements", *(f for f in OPTIONAL_FIELDS))


def _form_to_data(form: MultiDict) -> dict:
    data: dict = {f: form.get(f, "") for f in ("type", *TEXT_FIELDS)}
    data["requester"] = {
        "name": form.get("requester_name", ""),
        "email": form.get("requester_email", ""),
    }
    data["private"] = form.get("private") == "on"
    data["cc"] = form.get("cc", "")  # addresses, one per line (domain/watchers.py)
    return data


def _render_form(values: MultiDict, errors: dict[str, str], status: int = 200):
    flow = current_app.extensions["rtflow"].flow
    chosen = flow.ticket_type(values.get("type", ""))
    selected = chosen if chosen and not chosen.from_tools else flow.people_types[0]
    return (
        render_template(
            "new_ticket.html",
            flow=flow,
            selected=selected,
            values=values,
            errors=errors,
        ),
        status,
    )


@bp.get("/")
def home():
    return render_template("home.html", flow=current_app.extensions["rtflow"].flow)


@bp.get("/tickets/new")
def new_ticket():
    return _render_form(request.args, {})


@bp.post("/tickets/new")
def submit_ticket():
    c = current_app.extensions["rtflow"]
    try:
        filed = file_with_files(
            _form_to_data(request.form), form_uploads(), c.ticket_deps, attach_deps(), source="web"
        )
    except ValidationFailed as e:
        return _render_form(request.form, e.errors, 413 if isinstance(e, TooLarge) else 422)
    # Post/Redirect/Get: reloading the confirmation never files the ticket twice.
    return redirect(url_for("pages.filed", number=filed.ticket.number, token=filed.token), code=303)


@bp.get("/tickets/<int:number>/filed")
def filed(number: int):
    token = request.args.get("token")
    view = requester_view(number, token)
    return render_template("filed.html", ticket=view, link=status_url(number, token or ""))


@bp.get("/tickets/<int:number>")
def status(number: int):
    token = request.args.get("token")
    view = requester_view(number, token)
    return render_template(
        "status.html", ticket=view, token=token, notice=request.args.get("notice")
    )


def _requester_action(number: int, action: str, data: dict):
    """Run a requester action; the actor is whoever holds the ticket's status token."""
    c = current_app.extensions["rtflow"]
    token = request.args.get("token")
    return actions.perform(number, action, data, requester_by_token(number, token), c.ticket_deps)


def _info_form(number: int, values: MultiDict | dict, errors: dict[str, str], status: int = 200):
    token = request.args.get("token")
    view = requester_view(number, token)
    fields = view.missing or ["requirements", "end_state", "acceptance_criteria"]
    return render_template(
        "add_info.html", ticket=view, token=token, fields=fields, values=values, errors=errors
    ), status


@bp.get("/tickets/<int:number>/info")
def add_info(number: int):
    view = requester_view(number, request.args.get("token"))
    current = view.model_dump()
    # What triage asked for starts empty: it was blank or a placeholder ("tbd") it refused.
    values = {
        f: "\n".join(v) if isinstance(v := current.get(f), list) else (v or "")
        for f in TEXT_FIELDS
        if f not in view.missing
    }
    return _info_form(number, values, {})


@bp.post("/tickets/<int:number>/info")
def submit_info(number: int):
    view = requester_view(number, request.args.get("token"))
    fields = view.missing or ["requirements", "end_state", "acceptance_criteria"]
    data = {f: request.form.get(f, "") for f in fields}
    try:
        _requester_action(number, "add-info", data)
    except ValidationFailed as e:
        return _info_form(number, request.form, e.errors, 422)
    return _back_to_status(number, "Thank you: the team has your additions.")


def _back_to_status(number: int, notice: str):
    # Post/Redirect/Get, with a notice the status page shows once.
    token = request.args.get("token")
    return redirect(url_for("pages.status", number=number, token=token, notice=notice), code=303)


def _status_form_action(number: int, action: str, field: str, notice: str, error_key: str):
    """A one-field form on the status page (write to the team, reopen): on a bad value the
    page comes back with the message by the field."""
    try:
        _requester_action(number, action, {field: request.form.get(field, "")})
    except ValidationFailed as e:
        token = request.args.get("token")
        view = requester_view(number, token)
        message = e.errors.get(field, f"fill in the {field}")
        return render_template("status.html", ticket=view, token=token, **{error_key: message}), 422
    return _back_to_status(number, notice)


@bp.post("/tickets/<int:number>/reply")
def reply(number: int):
    return _status_form_action(
        number, "reply", "message", "Sent: the team has your message.", "reply_error"
    )


@bp.post("/tickets/<int:number>/reopen")
def reopen(number: int):
    return _status_form_action(
        number, "reopen", "reason", "Reopened: the team will look at it again.", "reopen_error"
    )


@bp.post("/tickets/<int:number>/confirm")
def confirm(number: int):
    """The requester confirms the resolution from the status link's page, as on /me."""
    _requester_action(number, "confirm", {})
    return _back_to_status(number, "Thank you: the ticket is closed.")
