"""Sentry: an internal integration's webhooks, "issue" (created, resolved, unresolved) and
"event_alert" (an alert rule's action "send a notification via the integration"). Signed as
Sentry-Hook-Signature = hex HMAC-SHA256 of the body with the integration's client secret.
Request-ID is the delivery id when present, else the body's digest."""

from __future__ import annotations

from typing import Any

from services.domain.inbound import Inbound, InboundAction

from .auth import check_signature
from .payload import HookRequest, Reply, get, get_id, ignored, inbound, ticket_draft

_ISSUE_ACTIONS = {
    "created": InboundAction.OPEN,
    "resolved": InboundAction.RESOLVED,
    "unresolved": InboundAction.REOPEN,
}


def authenticate(req: HookRequest, secret: str) -> None:
    header = "Sentry-Hook-Signature"
    check_signature(secret, req.body, req.headers.get(header), header)


def _link(obj: dict[str, Any]) -> str:
    for key in ("web_url", "permalink"):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _requirements(obj: dict[str, Any], intro: str) -> str:
    """What Sentry knows of it, one fact a line, as the on-call would note it."""
    project = obj.get("project")
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    facts = {
        "error": metadata.get("value"),
        "where": obj.get("culprit"),
        "level": obj.get("level"),
        "project": project.get("slug") if isinstance(project, dict) else project,
        "platform": obj.get("platform"),
        "short id": obj.get("shortId"),
        "first seen": obj.get("firstSeen"),
        "events": obj.get("count"),
        "users": obj.get("userCount"),
        "link": _link(obj),
    }
    lines = [f"{name}: {value}" for name, value in facts.items() if value not in (None, "")]
    return "\n".join([intro, "", *lines])


def parse(req: HookRequest) -> Inbound | Reply:
    resource = req.header("Sentry-Hook-Resource", required=True)
    if resource not in ("issue", "event_alert"):
        return ignored(f"Sentry {resource!r} webhooks are not acted on")
    data = req.data
    action = get(data, "action", str)
    author = get(data, "actor.name", str, required=False, default="Sentry")
    delivery = req.header("Request-ID") or req.body_digest
    if resource == "event_alert":
        event = get(data, "data.event", dict)
        rule = get(data, "data.triggered_rule", str, required=False, default="")
        title = get(data, "data.event.title", str, required=False, default="") or get(
            data, "data.event.message", str, required=False, default=""
        )
        return inbound(
            req,
            delivery=delivery,
            action=InboundAction.OPEN,
            thread=f"sentry:{get_id(data, 'data.event.issue_id')}",
            author=author,
            url=_link(event),
            draft=ticket_draft(
                req,
                title=title or "Sentry alert",
                requirements=_requirements(
                    event, f"Sentry alert rule {rule!r} fired." if rule else "A Sentry alert fired."
                ),
            ),
        )
    if action not in _ISSUE_ACTIONS:  # assigned, archived, ignored
        return ignored(f"Sentry issue action {action!r} is not acted on")
    issue = get(data, "data.issue", dict)
    common = {
        "delivery": delivery,
        "thread": f"sentry:{get_id(data, 'data.issue.id')}",
        "author": author,
        "url": _link(issue),
    }
    if action == "unresolved":  # the queue words the reopen
        return inbound(req, action=InboundAction.REOPEN, **common)
    if action == "resolved":  # a comment on the ticket, or its close (hooks.sentry.on_resolved)
        title = get(data, "data.issue.title", str, required=False, default="the issue")
        return inbound(
            req, action=InboundAction.RESOLVED, message=f"{author} resolved {title}.", **common
        )
    return inbound(
        req,
        action=InboundAction.OPEN,
        draft=ticket_draft(
            req,
            title=get(data, "data.issue.title", str),
            requirements=_requirements(issue, "A new issue in Sentry."),
        ),
        **common,
    )
