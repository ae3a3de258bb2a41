"""The ticket page's forms read into the JSON bodies actions.perform takes, as the API's:
only the fields each action knows, typed; the schema still checks them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

# Blank rows the split form offers for sub-tickets.
SPLIT_ROWS = 3

Form = MultiDict[str, str]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _int_or_text(value: str) -> int | str:
    text = value.strip().lstrip("#")
    return int(text) if text.isdigit() else value


def _local_moment(text: str, zone: str) -> str:
    """A datetime-local field ("2027-02-03T09:00") read in the team's time zone, as ISO with
    its offset; anything else is passed on for the schema to name."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.isoformat()


def _postpone(form: Form, zone: str) -> dict[str, Any]:
    return {
        "until": _local_moment(form.get("until", ""), zone),
        "reason": form.get("reason", ""),
        "public": form.get("public") == "on",
    }


def _assign(form: Form, zone: str) -> dict[str, Any]:
    return {"owner": form.get("owner", ""), "override_reason": form.get("override_reason", "")}


def _update(form: Form, zone: str) -> dict[str, Any]:
    return {
        "message": form.get("message", ""),
        "eta": form.get("eta", "").strip() or None,
        "reason": form.get("reason", ""),
        "public": form.get("public") == "on",
    }


def _escalate(form: Form, zone: str) -> dict[str, Any]:
    return {"to": form.get("to", ""), "reason": form.get("reason", "")}


def _reason(form: Form, zone: str) -> dict[str, Any]:
    return {"reason": form.get("reason", "")}


def _resolve(form: Form, zone: str) -> dict[str, Any]:
    return {
        "checked": [_int_or_text(v) for v in form.getlist("checked")],
        "summary": form.get("summary", ""),
    }


def _link(form: Form, zone: str) -> dict[str, Any]:
    return {"depends_on": _int_or_text(form.get("depends_on", ""))}


def _split(form: Form, zone: str) -> dict[str, Any]:
    children = []
    for i in range(SPLIT_ROWS):
        title = form.get(f"child-{i}-title", "")
        requirements = form.get(f"child-{i}-requirements", "")
        criteria = _lines(form.get(f"child-{i}-criteria", ""))
        if not (title.strip() or requirements.strip() or criteria):
            continue  # a blank row
        owner = form.get(f"child-{i}-owner", "")
        children.append(
            {
                "title": title,
                "requirements": requirements,
                "acceptance_criteria": criteria,
                "owner": owner or None,
            }
        )
    return {"children": children}


def _comment(form: Form, zone: str) -> dict[str, Any]:
    return {"message": form.get("message", ""), "public": form.get("visibility") == "public"}


def _request_info(form: Form, zone: str) -> dict[str, Any]:
    return {"fields": form.getlist("fields"), "message": form.get("message", "")}


# The edit form shows every field with its value; the action records only what differs.
_EDIT_TEXT = ("title", "requirements", "end_state", "capacity_needs", "security_needs", "type")
_EDIT_LINES = ("acceptance_criteria", "dependencies")
_EDIT_DATES = ("drop_dead_date", "nice_to_have_date")


def _edit(form: Form, zone: str) -> dict[str, Any]:
    body: dict[str, Any] = {name: form[name] for name in _EDIT_TEXT if name in form}
    body |= {name: _lines(form[name]) for name in _EDIT_LINES if name in form}
    body |= {name: form[name].strip() or None for name in _EDIT_DATES if name in form}
    return body | {"private": form.get("private") == "on", "reason": form.get("reason", "")}


# Actions without a form (take, start, accept-escalation, wake, close) send an empty body.
_READERS: dict[str, Callable[[Form, str], dict[str, Any]]] = {
    "postpone": _postpone,
    "assign": _assign,
    "update": _update,
    "escalate": _escalate,
    "decline-escalation": _reason,
    "return-to-triage": _reason,
    "reject": _reason,
    "reopen": _reason,
    "resolve": _resolve,
    "link": _link,
    "split": _split,
    "comment": _comment,
    "request-info": _request_info,
    "edit": _edit,
}


def form_body(action: str, form: Form, zone: str) -> dict[str, Any]:
    """The action's JSON body from its HTML form; `zone` reads its local times."""
    reader = _READERS.get(action)
    return reader(form, zone) if reader else {}
