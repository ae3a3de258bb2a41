"""Sentry: an internal integration's webhooks, "issue" (created, resolved, unresolved) and
"event_alert" (an alert rule's action "send a notification via the integration"). Signed as
Sentry-Hook-Signature = hex HMAC-SHA256 of the body with the integration's client secret.
Request-ID is the delivery id when present, else the body's digest. An issue's thread names
the Sentry installation it came from (sentry.io's or one's own): issue ids of two are two."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from services.domain.inbound import Inbound, InboundAction

from .auth import check_signature
from .payload import (
    HookRequest,
    Reply,
    get,
    get_id,
    ignored,
    inbound,
    instance_of,
    labels_of,
    thread_key,
    ticket_draft,
)

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


def _threads(req: HookRequest, issue_id: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The issue's thread in this installation (its uuid; else the issue's link's site), and
    the key it had before threads named it."""
    uuid = get(req.data, "installation.uuid", str, required=False, default="")
    link = urlsplit(_link(obj))
    site = f"{link.scheme}://{link.netloc}" if link.scheme and link.netloc else ""
    instance = instance_of(uuid or site)
    return {
        "thread": thread_key("sentry", issue_id, instance),
        "old_thread": thread_key("sentry", issue_id),
    }


def _labels(obj: dict[str, Any]) -> dict[str, list[str]]:
    """Its project and its tags (an event's [name, value] pairs) as labels."""
    project = obj.get("project")
    slug = project.get("slug") if isinstance(project, dict) else project
    tags = obj.get("tags")
    pairs = (
        [tuple(t) for t in tags if isinstance(t, list) and len(t) == 2]
        if isinstance(tags, list)
        else []
    )
    return labels_of([("project", slug), *pairs])


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
            author=author,
            url=_link(event),
            labels=_labels(event),
            **_threads(req, get_id(data, "data.event.issue_id"), event),
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
    common: dict[str, Any] = {
        "delivery": delivery,
        "author": author,
        "url": _link(issue),
        **_threads(req, get_id(data, "data.issue.id"), issue),
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
        labels=_labels(issue),
        **common,
    )
