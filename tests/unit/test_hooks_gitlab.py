"""GitLab's documented issue hook, with the token as GitLab sends it."""

from __future__ import annotations

import hashlib
import json

import pytest

from services.domain.errors import Unauthorized
from services.domain.inbound import InboundAction
from services.intake.hooks import gitlab
from services.intake.hooks.errors import BadPayload
from tests.fixtures.webhooks import body_of, gitlab_headers, hook_request, load, raw, with_hooks

SECRET = "gitlab-token"
# The thread names the GitLab instance (here the project's site: the fixtures send no
# X-Gitlab-Instance).
THREAD = "gitlab[http://example.com]:gitlabhq/gitlab-test#23"


@pytest.fixture
def hook_flow(flow):
    return with_hooks(flow)


def deliver(hook_flow, body: bytes, event: str = "Issue Hook", **extra):
    req = hook_request("gitlab", hook_flow, body, gitlab_headers(SECRET, event) | extra)
    gitlab.authenticate(req, SECRET)
    return gitlab.parse(req)


def issue(action: str) -> bytes:
    data = load("gitlab_issue_hook.json")
    data["object_attributes"]["action"] = action
    return body_of(data)


def note(noteable_type: str = "Issue") -> bytes:
    data = load("gitlab_issue_hook.json")
    data["object_kind"] = "note"
    data["issue"] = {"iid": 23, "title": "New API: create/update/delete file"}
    data["object_attributes"] = {
        "id": 1244,
        "note": "This MR needs work.",
        "noteable_type": noteable_type,
        "url": "http://example.com/gitlabhq/gitlab-test/issues/23#note_1244",
    }
    return body_of(data)


def test_an_opened_issue_files_a_private_ticket_as_configured(hook_flow):
    body = raw("gitlab_issue_hook.json")
    m = deliver(hook_flow, body)
    assert (m.source, m.action, m.thread) == ("gitlab", InboundAction.OPEN, THREAD)
    assert m.delivery == hashlib.sha256(body).hexdigest()  # no delivery header: the body's
    assert (m.author, m.url) == ("root", "http://example.com/diaspora/issues/23")
    assert m.draft["title"] == "New API: create/update/delete file"
    assert m.draft["requirements"] == "Create new API for manipulations with repository"
    assert m.draft["requester"] == {"name": "GitLab (via hook)", "email": "techops@example.org"}
    assert m.draft["private"] is True  # hooks.gitlab.private


@pytest.mark.parametrize(
    ("action", "expected"), [("close", InboundAction.CLOSE), ("reopen", InboundAction.REOPEN)]
)
def test_closing_and_reopening(hook_flow, action, expected):
    m = deliver(hook_flow, issue(action))
    assert (m.action, m.thread, m.author, m.draft) == (expected, THREAD, "root", None)


def test_updates_and_other_events_are_ignored(hook_flow):
    update = deliver(hook_flow, issue("update"))
    push = deliver(hook_flow, b'{"object_kind": "push"}', "Push Hook")
    assert update.status == push.status == 202
    assert "update" in update.body["reason"] and "Push Hook" in push.body["reason"]


def test_a_comment_on_an_issue_is_a_comment_on_its_thread(hook_flow):
    m = deliver(hook_flow, note(), "Note Hook")
    assert (m.action, m.thread, m.author) == (InboundAction.COMMENT, THREAD, "root")
    assert m.message == "This MR needs work."
    assert m.url.endswith("#note_1244")


def test_comments_on_merge_requests_are_ignored(hook_flow):
    reply = deliver(hook_flow, note("MergeRequest"), "Note Hook")
    assert reply.status == 202 and "MergeRequest" in reply.body["reason"]


def test_a_confidential_issue_files_a_private_ticket_whatever_the_config(flow):
    hook_flow = with_hooks(flow, {"gitlab": {"ticket_type": "issue"}})
    public = deliver(hook_flow, raw("gitlab_issue_hook.json"))
    confidential = deliver(hook_flow, raw("gitlab_issue_hook.json"), "Confidential Issue Hook")
    assert public.draft["private"] is False
    assert confidential.draft["private"] is True


def test_the_delivery_id_prefers_the_idempotency_key_then_the_event_uuid(hook_flow):
    body = raw("gitlab_issue_hook.json")
    by_uuid = deliver(hook_flow, body, **{"X-Gitlab-Event-UUID": "ev-1"})
    by_key = deliver(
        hook_flow, body, **{"X-Gitlab-Event-UUID": "ev-1", "Idempotency-Key": "retry-safe"}
    )
    assert (by_uuid.delivery, by_key.delivery) == ("ev-1", "retry-safe")


@pytest.mark.parametrize("token", [None, "", "gitlab-token ", "wrong"])
def test_a_missing_or_wrong_token_is_refused(hook_flow, token):
    headers = gitlab_headers(SECRET)
    if token is None:
        del headers["X-Gitlab-Token"]
    else:
        headers["X-Gitlab-Token"] = token
    req = hook_request("gitlab", hook_flow, raw("gitlab_issue_hook.json"), headers)
    with pytest.raises(Unauthorized):
        gitlab.authenticate(req, SECRET)


def test_an_issue_without_its_project_is_refused_naming_it(hook_flow):
    data = load("gitlab_issue_hook.json")
    del data["project"]
    with pytest.raises(BadPayload, match="project.path_with_namespace"):
        deliver(hook_flow, body_of(data))


def test_an_internal_note_stays_internal(hook_flow):
    """GitLab's internal notes, and notes on confidential issues, must not reach the
    requester's status page or public webhooks: they become internal notes here too."""
    data = json.loads(note())
    data["object_attributes"]["internal"] = True
    assert deliver(hook_flow, body_of(data), "Note Hook").internal is True
    assert deliver(hook_flow, note(), "Confidential Note Hook").internal is True
    assert deliver(hook_flow, note(), "Note Hook").internal is False
