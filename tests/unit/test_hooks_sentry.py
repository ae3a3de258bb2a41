"""Sentry's issue webhook example, signed as Sentry signs it."""

from __future__ import annotations

import pytest

from services.domain.errors import Unauthorized
from services.domain.inbound import InboundAction
from services.intake.hooks import sentry
from services.intake.hooks.errors import BadPayload
from tests.fixtures.webhooks import body_of, hook_request, load, raw, sentry_headers, with_hooks

SECRET = "sentry-client-secret"
# An issue's thread names the installation that sent it (the fixtures' installation.uuid).
INSTALLATION = "a8e5d37a-696c-4c54-adb5-b3f28d64c7de"
THREAD = f"sentry[{INSTALLATION}]:1170820242"


@pytest.fixture
def hook_flow(flow):
    return with_hooks(flow)


def deliver(hook_flow, body: bytes, resource: str = "issue", request_id: str = "req-1"):
    headers = sentry_headers(SECRET, body, resource, request_id)
    req = hook_request("sentry", hook_flow, body, headers)
    sentry.authenticate(req, SECRET)
    return sentry.parse(req)


def issue(action: str, **changes) -> bytes:
    data = load("sentry_issue_created.json") | {"action": action}
    data["data"]["issue"] |= changes
    return body_of(data)


def test_a_new_issue_files_a_ticket_with_what_sentry_knows(hook_flow):
    m = deliver(hook_flow, raw("sentry_issue_created.json"))
    assert (m.source, m.delivery, m.action) == ("sentry", "req-1", InboundAction.OPEN)
    assert (m.thread, m.author) == (THREAD, "Sentry")
    assert m.old_thread == "sentry:1170820242"  # the key before threads named the install
    assert m.draft["title"] == "ReferenceError: blooopy is not defined"
    for line in ("error: blooopy is not defined", "where: ?(runner)", "project: front-end"):
        assert line in m.draft["requirements"]
    assert m.draft["requester"] == {"name": "Sentry (via hook)", "email": "techops@example.org"}


def test_without_a_request_id_the_body_is_the_delivery_id(hook_flow):
    a = deliver(hook_flow, raw("sentry_issue_created.json"), request_id="")
    b = deliver(hook_flow, raw("sentry_issue_created.json"), request_id="")
    assert a.delivery == b.delivery and len(a.delivery) == 64


def test_resolving_and_unresolving_the_issue(hook_flow):
    resolved = deliver(hook_flow, issue("resolved", web_url="https://sentry.io/issues/1170820242/"))
    unresolved = deliver(hook_flow, issue("unresolved"))
    assert (resolved.action, resolved.thread) == (InboundAction.RESOLVED, THREAD)
    assert resolved.message == "Sentry resolved ReferenceError: blooopy is not defined."
    assert resolved.url == "https://sentry.io/issues/1170820242/"
    assert (unresolved.action, unresolved.thread) == (InboundAction.REOPEN, THREAD)


def test_other_issue_actions_and_resources_are_ignored(hook_flow):
    assigned = deliver(hook_flow, issue("assigned"))
    installed = deliver(hook_flow, b'{"action": "created"}', "installation")
    assert assigned.status == installed.status == 202
    assert "assigned" in assigned.body["reason"] and "installation" in installed.body["reason"]


def test_an_alert_rule_files_a_ticket_on_the_issues_thread(hook_flow):
    body = body_of(
        {
            "action": "triggered",
            "actor": {"id": "sentry", "name": "Sentry", "type": "application"},
            "data": {
                "event": {
                    "title": "TypeError: x is undefined",
                    "issue_id": 1170820242,
                    "culprit": "app/main.js",
                    "level": "error",
                    "web_url": "https://sentry.io/organizations/o/issues/1170820242/events/abc/",
                },
                "triggered_rule": "Page the on-call",
            },
            "installation": {"uuid": INSTALLATION},
        }
    )
    m = deliver(hook_flow, body, "event_alert")
    assert (m.action, m.thread) == (InboundAction.OPEN, THREAD)  # the issue's, in one install
    assert m.draft["title"] == "TypeError: x is undefined"
    assert m.draft["requirements"].startswith("Sentry alert rule 'Page the on-call' fired.")
    assert m.url.endswith("/events/abc/")


@pytest.mark.parametrize("signature", [None, "", "0" * 64, "sha256=" + "0" * 64])
def test_a_missing_or_wrong_signature_is_refused(hook_flow, signature):
    body = raw("sentry_issue_created.json")
    headers = sentry_headers(SECRET, body)
    if signature is None:
        del headers["Sentry-Hook-Signature"]
    else:
        headers["Sentry-Hook-Signature"] = signature
    with pytest.raises(Unauthorized):
        sentry.authenticate(hook_request("sentry", hook_flow, body, headers), SECRET)


def test_an_issue_without_an_id_is_refused_naming_it(hook_flow):
    with pytest.raises(BadPayload, match="missing data.issue.id"):
        deliver(hook_flow, issue("created", id=None))
