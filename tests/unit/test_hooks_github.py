"""GitHub's own example payloads, signed as GitHub signs them, become the right Inbound."""

from __future__ import annotations

import json
from datetime import date

import pytest

from services.domain.drafts import TITLE_MAX, validate_draft
from services.domain.errors import Unauthorized, ValidationFailed
from services.domain.inbound import InboundAction
from services.intake.hooks import github
from services.intake.hooks.errors import BadPayload
from services.intake.hooks.payload import Reply
from tests.fixtures.webhooks import body_of, github_headers, hook_request, load, raw, with_hooks

SECRET = "It's a Secret to Everybody"
THREAD = "github:Codertocat/Hello-World#1"
TODAY = date(2026, 11, 27)


@pytest.fixture
def hook_flow(flow):
    return with_hooks(flow)


def deliver(hook_flow, body: bytes, event: str, **headers):
    req = hook_request("github", hook_flow, body, github_headers(SECRET, body, event) | headers)
    github.authenticate(req, SECRET)
    return github.parse(req)


def test_an_opened_issue_files_a_ticket_in_the_configured_type(hook_flow):
    m = deliver(hook_flow, raw("issues.opened.json"), "issues", **{"X-GitHub-Delivery": "d-1"})
    assert (m.source, m.delivery, m.action, m.thread) == (
        "github",
        "d-1",
        InboundAction.OPEN,
        THREAD,
    )
    assert m.author == "Codertocat"
    assert m.url == "https://github.com/Codertocat/Hello-World/issues/1"
    assert m.draft["type"] == "issue"
    assert m.draft["title"] == "Spelling error in the README file"
    assert m.draft["requirements"] == "It looks like you accidently spelled 'commit' with two 't's."
    assert m.draft["end_state"] == ""
    assert m.draft["requester"] == {"name": "GitHub (via hook)", "email": "techops@example.org"}
    assert m.draft["private"] is False


def test_the_draft_passes_the_intake_schema_complete_as_the_tool_sends_it(hook_flow):
    m = deliver(hook_flow, raw("issues.opened.json"), "issues")
    # A type from tools requires nothing more: nobody will be asked (the requester is GitHub).
    validate_draft(m.draft, flow=hook_flow, today=TODAY)
    people = m.draft | {"type": "general"}
    with pytest.raises(ValidationFailed, match="end_state"):
        validate_draft(people, flow=hook_flow, today=TODAY)  # a person's type would ask


def test_the_configured_requester_and_privacy_are_used(flow):
    hook_flow = with_hooks(
        flow,
        {
            "github": {
                "ticket_type": "access",
                "private": True,
                "requester": {"name": "Repo owners", "email": "Owners@Example.org"},
            }
        },
    )
    m = deliver(hook_flow, raw("issues.opened.json"), "issues")
    assert m.draft["type"] == "access"
    assert m.draft["private"] is True
    assert m.draft["requester"] == {"name": "Repo owners", "email": "owners@example.org"}


def test_a_comment_on_an_issue_is_a_comment_on_its_thread(hook_flow):
    m = deliver(hook_flow, raw("issue_comment.created.json"), "issue_comment")
    assert (m.action, m.thread, m.author) == (InboundAction.COMMENT, THREAD, "Codertocat")
    assert m.message == "You are totally right! I'll get this fixed right away."
    assert m.url.endswith("/issues/1#issuecomment-492700400")
    assert m.draft is None


@pytest.mark.parametrize(
    ("action", "expected"), [("closed", InboundAction.CLOSE), ("reopened", InboundAction.REOPEN)]
)
def test_closing_and_reopening_the_issue_are_done_by_the_sender(hook_flow, action, expected):
    data = load("issues.opened.json") | {"action": action}
    data["sender"] = {"login": "hubot"}
    m = deliver(hook_flow, body_of(data), "issues")
    assert (m.action, m.thread, m.author, m.draft) == (expected, THREAD, "hubot", None)


def test_labels_edits_and_other_events_are_ignored_without_an_error(hook_flow):
    labeled = deliver(hook_flow, raw("issues.labeled.json"), "issues")
    push = deliver(hook_flow, b'{"ref": "refs/heads/main"}', "push")
    assert labeled == Reply(202, {"status": "ignored", "reason": labeled.body["reason"]})
    assert "labeled" in labeled.body["reason"]
    assert push.status == 202 and "push" in push.body["reason"]


def test_comments_on_pull_requests_are_ignored(hook_flow):
    data = load("issue_comment.created.json")
    data["issue"]["pull_request"] = {"url": "https://api.github.com/repos/x/y/pulls/1"}
    reply = deliver(hook_flow, body_of(data), "issue_comment")
    assert reply.status == 202 and "pull request" in reply.body["reason"]


def test_ping_answers_pong(hook_flow):
    assert deliver(hook_flow, raw("ping.json"), "ping") == Reply(200, {"status": "pong"})


def test_an_issue_without_a_body_points_to_the_issue(hook_flow):
    data = load("issues.opened.json")
    data["issue"]["body"] = None
    m = deliver(hook_flow, body_of(data), "issues")
    assert "https://github.com/Codertocat/Hello-World/issues/1" in m.draft["requirements"]


def test_long_or_multi_line_titles_are_cut_to_one_line_that_fits(hook_flow):
    data = load("issues.opened.json")
    data["issue"]["title"] = "Disk\r\nfull\x07 on " + "db1 " * 100
    data["issue"]["body"] = "x" * 20_000 + "\x00"
    m = deliver(hook_flow, body_of(data), "issues")
    title = m.draft["title"]
    assert title.startswith("Disk full on db1") and len(title) == TITLE_MAX
    assert not any(ord(c) < 32 for c in title)
    assert len(m.draft["requirements"]) == 10_000


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=" + "0" * 64, "sha1=abc", "sha256=not-hex-at-all-é"],
)
def test_a_missing_or_wrong_signature_is_refused(hook_flow, signature):
    body = raw("issues.opened.json")
    headers = github_headers(SECRET, body, "issues")
    if signature is None:
        del headers["X-Hub-Signature-256"]
    else:
        headers["X-Hub-Signature-256"] = signature
    with pytest.raises(Unauthorized):
        github.authenticate(hook_request("github", hook_flow, body, headers), SECRET)


def test_a_signature_with_another_secret_or_of_another_body_is_refused(hook_flow):
    body = raw("issues.opened.json")
    for headers in (
        github_headers("another secret", body, "issues"),
        github_headers(SECRET, body + b" ", "issues"),
    ):
        with pytest.raises(Unauthorized):
            github.authenticate(hook_request("github", hook_flow, body, headers), SECRET)


def test_githubs_published_signature_example_verifies():
    # docs.github.com, "Validating webhook deliveries": the secret and payload they document.
    from services.intake.hooks.auth import hmac_hex

    assert (
        hmac_hex(SECRET, b"Hello, World!")
        == "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


def test_a_delivery_without_its_id_is_refused(hook_flow):
    body = raw("issues.opened.json")
    headers = github_headers(SECRET, body, "issues")
    del headers["X-GitHub-Delivery"]
    with pytest.raises(BadPayload, match="X-GitHub-Delivery"):
        github.parse(hook_request("github", hook_flow, body, headers))


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"issue": "one"}, "issue must be an object"),
        ({"issue": {"title": "t", "number": 1}, "repository": None}, "repository.full_name"),
        ({"action": 3}, "action must be a string"),
    ],
)
def test_a_payload_of_the_wrong_shape_names_what_is_wrong(hook_flow, change, named):
    body = json.dumps(load("issues.opened.json") | change).encode()
    with pytest.raises(BadPayload, match=named):
        deliver(hook_flow, body, "issues")


def test_an_issue_of_a_private_repository_files_a_private_ticket(hook_flow):
    data = load("issues.opened.json")
    data["repository"]["private"] = True
    m = deliver(hook_flow, body_of(data), "issues")
    assert m.draft["private"] is True
