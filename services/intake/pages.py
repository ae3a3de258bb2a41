"""The public pages: home, the intake form, the confirmation and the status page.

Plain HTML forms (no JavaScript needed). A rejected form is rendered again with every value
the requester typed and a message next to each bad field."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from services.domain.errors import ValidationFailed
from services.domain.flow import OPTIONAL_FIELDS

from .filing import file_ticket
from .status import requester_view, status_url

bp = Blueprint("pages", __name__)

TEXT_FIELDS = ("title", "requirements", *(f for f in OPTIONAL_FIELDS))


def _form_to_data(form: MultiDict) -> dict:
    data: dict = {f: form.get(f, "") for f in ("type", *TEXT_FIELDS)}
    data["requester"] = {
        "name": form.get("requester_name", ""),
        "email": form.get("requester_email", ""),
    }
    data["private"] = form.get("private") == "on"
    return data


def _render_form(values: MultiDict, errors: dict[str, str], status: int = 200):
    flow = current_app.extensions["rtflow"].flow
    selected = flow.ticket_type(values.get("type", "")) or flow.ticket_types[0]
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
        filed = file_ticket(
            _form_to_data(request.form),
            tickets=c.tickets,
            flow=c.flow,
            clock=c.clock,
            secret_key=c.settings.secret_key,
            source="web",
        )
    except ValidationFailed as e:
        return _render_form(request.form, e.errors, 422)
    # Post/Redirect/Get: reloading the confirmation never files the ticket twice.
    return redirect(url_for("pages.filed", number=filed.ticket.number, token=filed.token), code=303)


@bp.get("/tickets/<int:number>/filed")
def filed(number: int):
    token = request.args.get("token")
    view = requester_view(number, token)
    return render_template("filed.html", ticket=view, link=status_url(number, token or ""))


@bp.get("/tickets/<int:number>")
def status(number: int):
    view = requester_view(number, request.args.get("token"))
    return render_template("status.html", ticket=view)
