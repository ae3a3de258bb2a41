"""Watchers, merging and bulk actions in the console: the ticket page's watchers and merge
forms (templates/staff/_watchers.html, _merge.html) and the lists' bulk form
(templates/staff/_bulk.html), through the same use cases as the JSON API."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request, url_for
from werkzeug.wrappers import Response

from services.application import merging, watching
from services.domain.errors import ValidationFailed

from ..errors import FormFailure
from ..workbench_api import bulk_result
from .ticket import on_ticket_page
from .web import bp, container, engineers


@bp.post("/tickets/<int:number>/watchers")
def watchers(number: int) -> Response | tuple[str, int]:
    body = {"add": request.form.get("add", ""), "remove": request.form.getlist("remove")}

    def act() -> str:
        watching.change_watchers(number, body, g.staff, container().ticket_deps)
        return "Watchers changed"

    return on_ticket_page(number, "watchers", act)


@bp.post("/tickets/<int:number>/merge")
def merge(number: int) -> Response | tuple[str, int]:
    typed = request.form.get("into", "").strip().lstrip("#")
    body = {"into": int(typed) if typed.isdigit() else typed}

    def act() -> str:
        _, target = merging.merge(number, body, g.staff, container().ticket_deps)
        return f"Merged into #{target.number}"

    return on_ticket_page(number, "merge", act)


@bp.context_processor
def bulk_form() -> dict[str, Any]:
    """What the lists' bulk form offers (staff/_bulk.html)."""
    return {"bulk_engineers": engineers()}


def _back() -> str:
    """The list the bulk form came from (its filters kept), never another site."""
    back = request.form.get("back", "")
    return (
        back
        if back.startswith("/staff/") and not back.startswith("//")
        else url_for("console.queue")
    )


def _selected() -> list[Any]:
    return [int(n) if n.isdigit() else n for n in request.form.getlist("tickets")]


def _fields(action: str) -> dict[str, Any]:
    """The chosen action's fields of the bulk form, as its JSON body has them."""
    form = request.form
    if action == "assign":
        return {"owner": form.get("owner", ""), "override_reason": form.get("override_reason", "")}
    if action == "comment":
        return {"message": form.get("message", ""), "public": form.get("visibility") == "public"}
    if action == "reject":
        return {"reason": form.get("reason", "")}
    return {}


@bp.post("/bulk")
def bulk() -> tuple[str, int]:
    """One action on the tickets ticked in a list; a page of each ticket's outcome."""
    c = container()
    action = request.form.get("action", "")
    data = {"tickets": _selected(), "action": action, **_fields(action)}
    try:
        result = bulk_result(data, g.staff)
    except ValidationFailed as e:
        failure = FormFailure.of(e)
        return render_template(
            "staff/bulk_result.html",
            result=None,
            titles={},
            back=_back(),
            error=failure.message,
            errors=failure.errors,
        ), 422
    titles = {n: t.title for n, t in c.tickets.get_many(r.ticket for r in result.results).items()}
    page = render_template(
        "staff/bulk_result.html", result=result, titles=titles, back=_back(), errors={}
    )
    return page, 200
