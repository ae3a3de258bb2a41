"""What every source's parser shares: the delivery as it arrived, typed reads of its JSON
that name the bad path, text made to fit the intake schema, and the ticket draft a hook files.

A tool cannot fix what it sends by reading our answer, but its owner can: every refusal says
which field is wrong. And a tool's text is never refused for being long or odd: it is cut to
fit (titles are one line, no control characters), as a person would shorten it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError
from werkzeug.datastructures import Headers

from services.domain.drafts import ITEM_MAX, ITEMS_MAX, TEXT_MAX, TITLE_MAX, validate_draft
from services.domain.errors import ValidationFailed
from services.domain.flow import FlowConfig
from services.domain.inbound import Alert, Edit, Inbound, InboundAction
from services.domain.integrations import SOURCE_LABELS, HookSource

from .errors import BadPayload

# Inbound's own limits (services/domain/inbound.py).
KEY_MAX = 500
AUTHOR_MAX = 200
URL_MAX = 2000
# How the default requester of a source's tickets is named: "<label> (via hook)".
REQUESTER_LABELS = {**SOURCE_LABELS, "generic": "Webhook"}


@dataclass(frozen=True)
class HookRequest:
    """One delivery to /hooks/<source>, with what parsing it needs from the flow config."""

    source: str
    config: HookSource
    flow: FlowConfig
    headers: Headers
    body: bytes
    today: date
    received_at: datetime | None = None

    @cached_property
    def data(self) -> dict[str, Any]:
        """The body as a JSON object; BadPayload otherwise."""
        try:
            data = json.loads(self.body)
        except (ValueError, RecursionError):  # RecursionError: nesting deep enough to blow up
            # GitHub's default content type is a form: its owner needs to know what to change.
            form = self.headers.get("Content-Type", "").startswith("application/x-www-form")
            hint = " (set the hook's content type to application/json)" if form else ""
            raise BadPayload(f"malformed request body: expected valid JSON{hint}") from None
        if not isinstance(data, dict):
            raise BadPayload("the body must be a JSON object")
        return data

    @property
    def body_digest(self) -> str:
        """The delivery id of tools that send none: a retry carries the same body."""
        return hashlib.sha256(self.body).hexdigest()

    def header(self, name: str, *, required: bool = False) -> str:
        value = self.headers.get(name, "").strip()
        if required and not value:
            raise BadPayload(f"missing {name} header")
        if len(value) > KEY_MAX:
            raise BadPayload(f"{name} header is too long (at most {KEY_MAX} characters)")
        return value


@dataclass(frozen=True)
class Reply:
    """An answer that records nothing (a ping, an event we do not act on)."""

    status: int
    body: dict[str, str] = field(default_factory=dict)


def ignored(reason: str) -> Reply:
    # 202, not 4xx: the tool did nothing wrong, and must not disable the hook or retry.
    return Reply(202, {"status": "ignored", "reason": reason})


_MISSING = object()
_KINDS = {
    str: "a string",
    int: "a number",
    bool: "true or false",
    dict: "an object",
    list: "a list",
}


def get(data: Any, path: str, kind: type, *, required: bool = True, default: Any = None) -> Any:
    """The value at dotted `path`, of type `kind` (int also takes a numeric string: ids come
    both ways). Absent or null: `default`, or BadPayload when `required`."""
    current: Any = data
    for part in path.split("."):
        current = current.get(part, _MISSING) if isinstance(current, dict) else _MISSING
        if current is _MISSING:
            break
    if current is _MISSING or current is None:
        if required:
            raise BadPayload(f"missing {path}")
        return default
    if kind is int and isinstance(current, str) and current.strip().isdecimal():
        try:
            return int(current)
        except ValueError:  # more digits than int() reads from text
            raise BadPayload(f"{path} is not a number we can read") from None
    if (kind is int and isinstance(current, bool)) or not isinstance(current, kind):
        raise BadPayload(f"{path} must be {_KINDS.get(kind, kind.__name__)}")
    return current


def get_id(data: Any, path: str) -> str:
    """An id the tool may send as a string or a number, as text."""
    value = get(data, path, object)
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise BadPayload(f"{path} must be a string or a number")
    return str(value).strip()


def text_of(value: Any) -> str:
    """A scalar as text (a generic hook may send numbers); anything else is not text."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def one_line(text: str, limit: int) -> str:
    """A title or list item: every control character (newlines too) becomes a space."""
    return clip(" ".join(_CONTROL.sub(" ", text).split()), limit)


def multiline(text: str, limit: int = TEXT_MAX) -> str:
    """Requirements and the like: keep newlines and tabs, drop other control characters."""
    return clip(_CONTROL_MULTILINE.sub("", text), limit)


def thread_key(source: str, key: str, instance: str = "") -> str:
    """One ticket per thread of each instance of a tool ("alertmanager[<its URL>]:<group>");
    a key too long to store (an alert group's labels) is hashed. Without an instance, the
    key threads had before they named it (Inbound.old_thread)."""
    prefix = f"{source}[{instance}]" if instance else source
    thread = f"{prefix}:{key}"
    if len(thread) <= KEY_MAX:
        return thread
    named = f"{instance}\n{key}" if instance else key
    return f"{source}:sha256:{hashlib.sha256(named.encode()).hexdigest()}"


def instance_of(url: str) -> str:
    """A tool instance's identity from its URL: scheme, host and port lower-case, and the
    path it is served under without a trailing slash, so one instance reads the same every
    time. Text that is no URL is its own identity."""
    text = url.strip()
    parts = urlsplit(text)
    if not parts.scheme or not parts.netloc:
        return text
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


LABEL_VALUES_MAX = 20
LABELS_MAX = 50


def labels_of(pairs: Iterable[tuple[Any, Any]]) -> dict[str, list[str]]:
    """A tool's labels as name -> distinct values, cut to what Inbound keeps."""
    labels: dict[str, list[str]] = {}
    for name, value in pairs:
        name, value = one_line(text_of(name), 200), one_line(text_of(value), 200)
        if not name or not value:
            continue
        if name not in labels and len(labels) >= LABELS_MAX:
            continue
        values = labels.setdefault(name, [])
        if value not in values and len(values) < LABEL_VALUES_MAX:
            values.append(value)
    return labels


def _items(value: Any) -> Any:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list):
        return value  # the intake schema names it
    # One item a line, bullets or not, as the form takes them.
    items = (
        one_line(text_of(v), ITEM_MAX + 2).removeprefix("- ").removeprefix("* ") for v in value
    )
    return [clip(i, ITEM_MAX) for i in items if i.strip()][:ITEMS_MAX]


def ticket_draft(req: HookRequest, *, title: str, requirements: str, **optional: Any) -> dict:
    """The TicketDraft a hook files, in the source's ticket type and for its requester, checked
    by the intake schema except for completeness (triage asks for what is missing). Returns
    the draft as JSON data; BadPayload naming every field the schema refuses."""
    config = req.config
    requester = (
        config.requester.model_dump(mode="json")
        if config.requester
        else {
            "name": f"{REQUESTER_LABELS[req.source]} (via hook)",
            "email": req.flow.team.mail_list,
        }
    )
    draft: dict[str, Any] = {
        "type": config.ticket_type,
        "title": one_line(title, TITLE_MAX),
        "requirements": multiline(requirements),
        "requester": requester,
        "private": config.private,
    }
    for name, value in optional.items():
        if name in ("acceptance_criteria", "dependencies"):
            draft[name] = _items(value)
        elif isinstance(value, str) and not name.endswith("_date"):
            draft[name] = multiline(value)
        else:
            draft[name] = value
    try:
        checked = validate_draft(draft, flow=req.flow, today=req.today, require_complete=False)
    except ValidationFailed as e:
        raise BadPayload(
            f"the ticket it would file breaks the intake rules: {e}", e.errors
        ) from None
    return checked.model_dump(mode="json")


def inbound(
    req: HookRequest,
    *,
    delivery: str,
    action: InboundAction,
    thread: str = "",
    author: str = "",
    message: str = "",
    url: str = "",
    draft: dict | None = None,
    internal: bool = False,
    old_thread: str = "",
    alerts: tuple[Alert, ...] = (),
    labels: dict[str, list[str]] | None = None,
    edits: dict[str, Edit] | None = None,
) -> Inbound:
    """The Inbound to record, its text cut to Inbound's limits (a URL too long to keep whole
    is dropped: half a link leads nowhere)."""
    try:
        return Inbound(
            source=req.source,
            delivery=delivery,
            action=action,
            thread=thread,
            old_thread=old_thread if old_thread != thread else "",
            author=one_line(author, AUTHOR_MAX),
            message=multiline(message),
            url=url.strip() if len(url.strip()) <= URL_MAX else "",
            draft=draft,
            internal=internal,
            alerts=alerts,
            labels=labels or {},
            edits=edits or {},
        )
    except ValidationError as e:
        # What is left is the tool's fault: no thread for a comment, an empty delivery id.
        problems = "; ".join(err["msg"].removeprefix("Value error, ") for err in e.errors())
        raise BadPayload(f"cannot take this delivery: {problems}") from None
