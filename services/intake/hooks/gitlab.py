"""GitLab: issue events and comments on issues (a project or group webhook with "Issues
events" and "Comments" ticked). GitLab sends the hook's secret token as X-Gitlab-Token.

The delivery id: Idempotency-Key (GitLab 17.4+: the same on every retry of one delivery), else
X-Gitlab-Event-UUID, else the body's digest. An issue's thread names the GitLab instance
(X-Gitlab-Instance, else the project's URL): two instances' projects of one name are two."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from services.domain.inbound import Inbound, InboundAction

from .auth import check_token
from .payload import (
    HookRequest,
    Reply,
    get,
    ignored,
    inbound,
    instance_of,
    labels_of,
    thread_key,
    ticket_draft,
)

_ISSUE_ACTIONS = {
    "open": InboundAction.OPEN,
    "close": InboundAction.CLOSE,
    "reopen": InboundAction.REOPEN,
}


def authenticate(req: HookRequest, secret: str) -> None:
    check_token(secret, req.headers.get("X-Gitlab-Token"), "X-Gitlab-Token")


def _delivery(req: HookRequest) -> str:
    return req.header("Idempotency-Key") or req.header("X-Gitlab-Event-UUID") or req.body_digest


def _threads(req: HookRequest, project: str, iid: int) -> dict[str, Any]:
    """The issue's thread on this instance, and the key it had before threads named it."""
    web_url = get(req.data, "project.web_url", str, required=False, default="")
    instance = instance_of(req.header("X-Gitlab-Instance") or _origin(web_url))
    key = f"{project}#{iid}"
    return {"thread": thread_key("gitlab", key, instance), "old_thread": thread_key("gitlab", key)}


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _labels(data: dict[str, Any]) -> dict[str, list[str]]:
    """The issue's labels: a scoped one ("service::mysql") by its scope, others as `label`."""
    given = data.get("labels")
    titles = (
        [x.get("title") for x in given if isinstance(x, dict)] if isinstance(given, list) else []
    )
    pairs = []
    for title in (t for t in titles if isinstance(t, str)):
        scope, _, value = title.rpartition("::")
        pairs.append((scope, value) if scope else ("label", title))
    return labels_of(pairs)


def parse(req: HookRequest) -> Inbound | Reply:
    event = req.header("X-Gitlab-Event", required=True)
    # Confidential issues and their notes come as their own events: they file private tickets.
    confidential = event.startswith("Confidential ")
    kind = event.removeprefix("Confidential ")
    if kind not in ("Issue Hook", "Note Hook"):
        return ignored(f"GitLab {event!r} events are not acted on")
    data = req.data
    get(data, "object_attributes", dict)  # an object, or a 400 naming it
    project = get(data, "project.path_with_namespace", str)
    author = get(data, "user.username", str, required=False, default="")
    url = get(data, "object_attributes.url", str, required=False, default="")
    if kind == "Note Hook":
        noteable = get(data, "object_attributes.noteable_type", str, required=False, default="")
        if noteable != "Issue":
            return ignored(f"comments on a {noteable or 'non-issue'} are not acted on")
        return inbound(
            req,
            delivery=_delivery(req),
            action=InboundAction.COMMENT,
            **_threads(req, project, get(data, "issue.iid", int)),
            author=author,
            message=get(data, "object_attributes.note", str, required=False, default=""),
            url=url,
            # An internal note (or one on a confidential issue) stays an internal note.
            internal=confidential
            or bool(get(data, "object_attributes.internal", bool, required=False, default=False)),
        )
    action = get(data, "object_attributes.action", str, required=False, default="")
    if action not in _ISSUE_ACTIONS:  # update, and whatever GitLab adds
        return ignored(f"issue action {action!r} is not acted on")
    threads = _threads(req, project, get(data, "object_attributes.iid", int))
    if _ISSUE_ACTIONS[action] is not InboundAction.OPEN:  # the queue words it
        return inbound(
            req,
            delivery=_delivery(req),
            action=_ISSUE_ACTIONS[action],
            author=author,
            url=url,
            **threads,
        )
    description = get(data, "object_attributes.description", str, required=False, default="")
    draft = ticket_draft(
        req,
        title=get(data, "object_attributes.title", str),
        requirements=description.strip() or f"Opened on GitLab without a description: {url}",
        end_state="",
    )
    if confidential or get(
        data, "object_attributes.confidential", bool, required=False, default=False
    ):
        draft["private"] = True
    return inbound(
        req,
        delivery=_delivery(req),
        action=InboundAction.OPEN,
        author=author,
        url=url,
        draft=draft,
        labels=_labels(data),
        **threads,
    )
