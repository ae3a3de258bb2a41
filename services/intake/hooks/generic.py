"""The generic hook: any tool that can POST JSON and sign it as GitHub does
(X-RTFlow-Signature-256 = "sha256=" + hex HMAC-SHA256 of the body; our webhooks out sign so
too). Where each value sits in its body is the flow config's `hooks.generic.fields`: target ->
dotted path; a target not mapped is read from the body's top-level key of its own name.
docs/webhooks.md ("Webhooks in") documents it."""

from __future__ import annotations

from typing import Any

from services.domain.flow import OPTIONAL_FIELDS
from services.domain.inbound import Inbound, InboundAction

from .auth import check_signature
from .errors import HookUnavailable
from .payload import BadPayload, HookRequest, get, inbound, text_of, thread_key, ticket_draft

# The ticket fields a hook may set; type, requester and private are the config's to say.
DRAFT_FIELDS = ("title", "requirements", *OPTIONAL_FIELDS)
# What the delivery says beyond the ticket: its thread, what to do, and with what words.
META_FIELDS = ("key", "action", "message", "author", "url")
TARGETS = DRAFT_FIELDS + META_FIELDS


def authenticate(req: HookRequest, secret: str) -> None:
    header = "X-RTFlow-Signature-256"
    check_signature(secret, req.body, req.headers.get(header), header, prefix="sha256=")


def _values(req: HookRequest) -> dict[str, Any]:
    unknown = sorted(set(req.config.fields) - set(TARGETS))
    if unknown:
        # The config is wrong, not the tool: 503 and a log line, until someone fixes it.
        raise HookUnavailable(
            f"hooks.generic.fields maps unknown field(s) {', '.join(unknown)};"
            f" choose from {', '.join(TARGETS)}"
        )
    paths = {target: req.config.fields.get(target, target) for target in TARGETS}
    return {t: get(req.data, p, object, required=False) for t, p in paths.items()}


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    if isinstance(value, dict | list):
        raise BadPayload(
            f"{name} must be text, not {'an object' if isinstance(value, dict) else 'a list'}"
        )
    return text_of(value)


def parse(req: HookRequest) -> Inbound:
    values = _values(req)
    action_name = _text(values, "action").strip().lower() or "open"
    actions = {a.value: a for a in InboundAction if a is not InboundAction.EDIT}
    if action_name not in actions:
        raise BadPayload(f"action must be one of {', '.join(actions)}, not {action_name!r}")
    action = actions[action_name]
    key = _text(values, "key").strip()
    message = _text(values, "message")
    draft = None
    if action is InboundAction.OPEN:
        optional = {n: values[n] for n in DRAFT_FIELDS[2:] if values[n] is not None}
        for name in ("end_state", "capacity_needs", "security_needs"):
            if name in optional:
                optional[name] = _text(values, name)
        draft = ticket_draft(
            req,
            title=_text(values, "title"),
            # A tool with one text field may send it as the message.
            requirements=_text(values, "requirements") or message,
            **optional,
        )
    return inbound(
        req,
        delivery=req.header("X-RTFlow-Delivery") or req.body_digest,
        action=action,
        thread=thread_key("generic", key) if key else "",
        author=_text(values, "author"),
        message=message,
        url=_text(values, "url"),
        draft=draft,
    )
