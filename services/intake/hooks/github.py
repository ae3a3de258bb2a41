"""GitHub: issues and their comments (a repository or organisation webhook, content type
application/json). Signed as X-Hub-Signature-256 = "sha256=" + HMAC-SHA256 of the body;
X-GitHub-Delivery is unique per delivery, and a redelivery carries the same one."""

from __future__ import annotations

from services.domain.inbound import Inbound, InboundAction

from .auth import check_signature
from .payload import HookRequest, Reply, get, ignored, inbound, labels_of, ticket_draft

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
    # Who did it: the issue's author files it, whoever closes or comments is the sender.
    actor = get(data, "sender.login", str, required=False, default="")
    if event == "issue_comment":
        if "pull_request" in issue:  # GitHub sends pull request comments as issue comments
            return ignored("comments on pull requests are not acted on")
        if action != "created":
            return ignored(f"issue_comment action {action!r} is not acted on")
        get(data, "comment", dict)  # an object, or a 400 naming it
        return inbound(
            req,
            delivery=delivery,
            action=InboundAction.COMMENT,
            thread=thread,
            author=get(data, "comment.user.login", str, required=False, default=actor),
            message=get(data, "comment.body", str, required=False, default=""),
            url=get(data, "comment.html_url", str, required=False, default=""),
        )
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
