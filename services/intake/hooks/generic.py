"""The generic hook: any tool that can POST JSON and sign it. Where each value sits in its body
is the flow config's `hooks.generic.fields`: target -> dotted path; a target not mapped is read
from the body's top-level key of its own name. docs/webhooks.md ("Webhooks in") documents it.

Two signatures are taken:
- X-RTFlow-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<delivery id>.<body>">, as
  Stripe and Slack sign: the delivery id (X-RTFlow-Delivery) is signed, the timestamp must be
  within `replay_window_seconds` of our clock, so a copy is a duplicate within the window and
  refused after it;
- X-RTFlow-Signature-256 = "sha256=" + hex HMAC of the body only, as GitHub signs (senders made
  before): anyone holding one delivery could send it again under a fresh X-RTFlow-Delivery, so
  with it the delivery id is the body's digest and the same body is applied once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.domain.flow import OPTIONAL_FIELDS
from services.domain.inbound import Inbound, InboundAction

from .auth import check_signature, check_timestamped_signature
from .errors import HookUnavailable
from .payload import BadPayload, HookRequest, get, inbound, text_of, thread_key, ticket_draft

# The ticket fields a hook may set; type, requester and private are the config's to say.
DRAFT_FIELDS = ("title", "requirements", *OPTIONAL_FIELDS)
# What the delivery says beyond the ticket: its thread, what to do, and with what words.
META_FIELDS = ("key", "action", "message", "author", "url")
TARGETS = DRAFT_FIELDS + META_FIELDS


TIMESTAMPED = "X-RTFlow-Signature"
BODY_ONLY = "X-RTFlow-Signature-256"


def authenticate(req: HookRequest, secret: str) -> None:
    if TIMESTAMPED not in req.headers:
        check_signature(secret, req.body, req.headers.get(BODY_ONLY), BODY_ONLY, prefix="sha256=")
        return
    check_timestamped_signature(
        secret,
        req.headers.get(TIMESTAMPED),
        TIMESTAMPED,
        delivery=req.header("X-RTFlow-Delivery"),
        body=req.body,
        now=req.received_at or datetime.now(UTC),
        tolerance_seconds=req.config.replay_window_seconds,
    )


def _delivery(req: HookRequest) -> str:
    """The signed delivery id, else the body's digest (a body-only signature signs no id)."""
    if TIMESTAMPED in req.headers:
        return req.header("X-RTFlow-Delivery") or req.body_digest
    return req.body_digest


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
        delivery=_delivery(req),
        action=action,
        thread=thread_key("generic", key) if key else "",
        author=_text(values, "author"),
        message=message,
        url=_text(values, "url"),
        draft=draft,
    )
