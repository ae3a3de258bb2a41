"""GitHub: issues and their comments, opened, edited, closed and reopened (a repository or
organisation webhook, content type application/json). Signed as X-Hub-Signature-256 = "sha256=" + HMAC-SHA256 of the body;
X-GitHub-Delivery is unique per delivery, and a redelivery carries the same one."""

from __future__ import annotations

from typing import Any

from services.domain.drafts import TITLE_MAX
from services.domain.inbound import Edit, Inbound, InboundAction

from .auth import check_signature
from .payload import (
    HookRequest,
    Reply,
    get,
    ignored,
    inbound,
    labels_of,
    multiline,
    one_line,
    ticket_draft,
)

_ISSUE_ACTIONS = {
    "opened": InboundAction.OPEN,
    "closed": InboundAction.CLOSE,
    "reopened": InboundAction.REOPEN,
}


def authenticate(req: HookRequest, secret: str) -> None:
    header = "X-Hub-Signature-256"
    check_signature(secret, req.body, req.headers.get(header), header, prefix="sha256=")


def parse(req: HookRequest) -> Inbound | Reply:
    event = req.header("X-GitHub-Event", required=True)
    if event == "ping":  # sent once when the hook is created: answer, record nothing
        return Reply(200, {"status": "pong"})
    if event not in ("issues", "issue_comment"):
        return ignored(f"GitHub {event!r} events are not acted on")
    data = req.data
    action = get(data, "action", str)
    issue = get(data, "issue", dict)
    thread = f"github:{get(data, 'repository.full_name', str)}#{get(data, 'issue.number', int)}"
    delivery = req.header("X-GitHub-Delivery", required=True)
    # Who did it: the issue's author files it, whoever closes, edits or comments is the sender.
    actor = get(data, "sender.login", str, required=False, default="")
    where: dict[str, Any] = {"delivery": delivery, "thread": thread}
    if event == "issue_comment":
        if "pull_request" in issue:  # GitHub sends pull request comments as issue comments
            return ignored("comments on pull requests are not acted on")
        return _comment(req, action, actor, where)
    if action == "edited":
        return _edited(req, actor, where)
    if action not in _ISSUE_ACTIONS:
        return ignored(f"issues action {action!r} is not acted on")
    url = get(data, "issue.html_url", str, required=False, default="")
    if action != "opened":  # the queue words it ("closed in GitHub by octocat")
        return inbound(
            req,
            delivery=delivery,
            action=_ISSUE_ACTIONS[action],
            thread=thread,
            author=actor,
            url=url,
        )
    body = get(data, "issue.body", str, required=False, default="")
    draft = ticket_draft(
        req,
        title=get(data, "issue.title", str),
        requirements=body.strip() or f"Opened on GitHub without a description: {url}",
        end_state="",
    )
    if get(data, "repository.private", bool, required=False, default=False):
        draft["private"] = True  # a private repository's issue is not for the public queue
    labels = get(data, "issue.labels", list, required=False, default=[])
    return inbound(
        req,
        delivery=delivery,
        action=InboundAction.OPEN,
        thread=thread,
        author=get(data, "issue.user.login", str, required=False, default=actor),
        url=url,
        draft=draft,
        labels=labels_of(("label", x.get("name")) for x in labels if isinstance(x, dict)),
    )


def _comment(req: HookRequest, action: str, actor: str, where: dict[str, Any]) -> Inbound | Reply:
    data = req.data
    if action not in ("created", "edited"):
        return ignored(f"issue_comment action {action!r} is not acted on")
    get(data, "comment", dict)  # an object, or a 400 naming it
    url = get(data, "comment.html_url", str, required=False, default="")
    body = get(data, "comment.body", str, required=False, default="")
    if action == "created":
        author = get(data, "comment.user.login", str, required=False, default=actor)
        return inbound(
            req, action=InboundAction.COMMENT, author=author, message=body, url=url, **where
        )
    before = get(data, "changes.body.from", str, required=False)
    if before is None:
        return ignored("the comment's edit did not change its text")
    edit = Edit(before=multiline(before), after=multiline(body))
    return inbound(
        req, action=InboundAction.EDIT, author=actor, url=url, edits={"comment": edit}, **where
    )


def _edited(req: HookRequest, actor: str, where: dict[str, Any]) -> Inbound | Reply:
    """The issue's title or text edited: the ticket's take them, each before and after."""
    data = req.data
    url = get(data, "issue.html_url", str, required=False, default="")
    edits: dict[str, Edit] = {}
    title = get(data, "changes.title.from", str, required=False)
    if title is not None:
        after = one_line(get(data, "issue.title", str), TITLE_MAX)
        edits["title"] = Edit(before=one_line(title, TITLE_MAX), after=after)
    body = get(data, "changes.body.from", str, required=False)
    if body is not None:
        text = get(data, "issue.body", str, required=False, default="")
        after = multiline(text) or f"Opened on GitHub without a description: {url}"
        edits["requirements"] = Edit(before=multiline(body), after=after)
    if not edits:
        return ignored("the edit changed neither the issue's title nor its text")
    return inbound(req, action=InboundAction.EDIT, author=actor, url=url, edits=edits, **where)
