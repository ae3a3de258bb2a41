"""GitLab: issue events and comments on issues (a project or group webhook with "Issues
events" and "Comments" ticked). GitLab sends the hook's secret token as X-Gitlab-Token.

The delivery id: Idempotency-Key (GitLab 17.4+: the same on every retry of one delivery), else
X-Gitlab-Event-UUID, else the body's digest."""

from __future__ import annotations

from services.domain.inbound import Inbound, InboundAction

from .auth import check_token
from .payload import HookRequest, Reply, get, ignored, inbound, ticket_draft

_ISSUE_ACTIONS = {
    "open": InboundAction.OPEN,
    "close": InboundAction.CLOSE,
    "reopen": InboundAction.REOPEN,
}


def authenticate(req: HookRequest, secret: str) -> None:
    check_token(secret, req.headers.get("X-Gitlab-Token"), "X-Gitlab-Token")


def _delivery(req: HookRequest) -> str:
    return req.header("Idempotency-Key") or req.header("X-Gitlab-Event-UUID") or req.body_digest


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
            thread=f"gitlab:{project}#{get(data, 'issue.iid', int)}",
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
    thread = f"gitlab:{project}#{get(data, 'object_attributes.iid', int)}"
    if _ISSUE_ACTIONS[action] is not InboundAction.OPEN:  # the queue words it
        return inbound(
            req,
            delivery=_delivery(req),
            action=_ISSUE_ACTIONS[action],
            thread=thread,
            author=author,
            url=url,
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
        thread=thread,
        author=author,
        url=url,
        draft=draft,
    )
