"""POST /hooks/<source> through the Flask app: each tool's delivery is recorded once and
answered at once; every refusal is JSON with the status the issue asks for, never a 500."""

from __future__ import annotations

import json
import logging

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.domain.inbound import InboundAction
from services.intake.app import create_app
from tests.fakes import FakeInbox
from tests.fixtures.webhooks import (
    HOOKS,
    basic,
    bearer,
    body_of,
    generic_headers,
    github_headers,
    gitlab_headers,
    load,
    raw,
    sentry_headers,
    with_hooks,
)

UNSET_SECRET_ENV = "RTFLOW_TEST_HOOK_SECRET_NOBODY_SETS"


class BrokenInbox(FakeInbox):
    def record(self, message):
        raise ConnectionError("the table is unreachable")


@pytest.fixture
def hook_flow(flow):
    hooks = dict(HOOKS)
    hooks["sentry"] = {"ticket_type": "error-report", "secret_env": UNSET_SECRET_ENV}
    return with_hooks(flow, hooks)


@pytest.fixture
def container(hook_flow, clock, monkeypatch):
    monkeypatch.delenv(UNSET_SECRET_ENV, raising=False)
    settings = Settings(secret_key="hook-test-secret-" * 3, base_url="http://rt.example.org")
    return build(settings, flow=hook_flow, clock=clock, inbox=FakeInbox())


def secret(container, source: str) -> str:
    return container.hook_secret(source)


def post_github(client, container, body: bytes, event: str = "issues", delivery: str = "d-1"):
    headers = github_headers(secret(container, "github"), body, event, delivery)
    return client.post("/hooks/github", data=body, headers=headers)


def test_a_github_issue_is_recorded_and_accepted(client, container):
    response = post_github(client, container, raw("issues.opened.json"))
    assert response.status_code == 202
    assert response.get_json() == {"status": "accepted"}
    [recorded] = container.inbox.recorded.values()
    assert (recorded.source, recorded.delivery, recorded.action) == ("github", "d-1", "open")
    assert recorded.thread == "github:Codertocat/Hello-World#1"
    assert recorded.draft["title"] == "Spelling error in the README file"


def test_a_redelivery_is_answered_duplicate_and_recorded_once(client, container):
    first = post_github(client, container, raw("issues.opened.json"), delivery="same")
    again = post_github(client, container, raw("issues.opened.json"), delivery="same")
    other = post_github(client, container, raw("issue_comment.created.json"), "issue_comment")
    assert (first.status_code, again.status_code, other.status_code) == (202, 200, 202)
    assert again.get_json() == {"status": "duplicate"}
    assert sorted(container.inbox.recorded) == ["github#d-1", "github#same"]


@pytest.mark.parametrize(
    ("source", "fixture", "headers_for", "action", "thread"),
    [
        (
            "alertmanager",
            "alertmanager.firing.json",
            lambda s, body: basic(s),
            "open",
            'alertmanager[http://vm:19093]:{}:{alertname="DiskFull"}',  # its externalURL
        ),
        (
            "grafana",
            "grafana_webhook.json",
            lambda s, body: bearer(s),
            "open",
            "grafana[https://play.grafana.org?orgId=1]:{}:{}",
        ),
        (
            "gitlab",
            "gitlab_issue_hook.json",
            lambda s, body: gitlab_headers(s, uuid="gl-1"),
            "open",
            "gitlab[http://example.com]:gitlabhq/gitlab-test#23",
        ),
    ],
)
def test_each_tools_example_is_accepted_once(
    client, container, source, fixture, headers_for, action, thread
):
    body = raw(fixture)
    headers = headers_for(secret(container, source), body)
    first = client.post(f"/hooks/{source}", data=body, headers=headers)
    retry = client.post(f"/hooks/{source}", data=body, headers=headers)
    assert (first.status_code, retry.status_code) == (202, 200), first.get_json()
    assert retry.get_json() == {"status": "duplicate"}
    [recorded] = container.inbox.recorded.values()
    assert (recorded.source, recorded.action, recorded.thread) == (source, action, thread)


def test_a_generic_hook_is_accepted(client, container):
    body = body_of(
        {"title": "Renew the certificate", "requirements": "It expires soon.", "key": "c"}
    )
    headers = generic_headers(secret(container, "generic"), body, delivery="g-1")
    response = client.post("/hooks/generic", data=body, headers=headers)
    assert response.status_code == 202
    assert container.inbox.recorded["generic#g-1"].thread == "generic:c"


def test_a_resolved_alert_is_recorded_as_resolved(client, container):
    data = load("alertmanager.firing.json") | {"status": "resolved"}
    body = body_of(data)
    response = client.post(
        "/hooks/alertmanager", data=body, headers=bearer(secret(container, "alertmanager"))
    )
    assert response.status_code == 202
    [recorded] = container.inbox.recorded.values()
    assert recorded.action is InboundAction.RESOLVED


def test_ping_answers_pong_and_records_nothing(client, container):
    response = post_github(client, container, raw("ping.json"), "ping")
    assert (response.status_code, response.get_json()) == (200, {"status": "pong"})
    assert container.inbox.recorded == {}


def test_events_not_acted_on_are_ignored_with_the_reason(client, container):
    response = post_github(client, container, raw("issues.labeled.json"))
    assert response.status_code == 202
    assert response.get_json()["status"] == "ignored"
    assert "labeled" in response.get_json()["reason"]
    assert container.inbox.recorded == {}


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "garbage"])
def test_a_bad_signature_is_401_and_records_nothing(client, container, signature):
    body = raw("issues.opened.json")
    headers = github_headers(secret(container, "github"), body, "issues")
    headers.pop("X-Hub-Signature-256")
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    response = client.post("/hooks/github", data=body, headers=headers)
    assert response.status_code == 401
    assert "X-Hub-Signature-256" in response.get_json()["error"]
    assert container.inbox.recorded == {}


def test_each_source_has_its_own_secret(client, container):
    body = raw("issues.opened.json")
    headers = github_headers(secret(container, "generic"), body, "issues")
    assert client.post("/hooks/github", data=body, headers=headers).status_code == 401
    wrong = client.post(
        "/hooks/alertmanager", data=raw("alertmanager.firing.json"), headers=bearer("nope")
    )
    assert wrong.status_code == 401 and wrong.is_json


@pytest.mark.parametrize("source", ["jira", "email", "GitHub", "..%2Fapi"])
def test_an_unknown_source_is_404(client, source):
    response = client.post(f"/hooks/{source}", data=b"{}", content_type="application/json")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_a_source_the_flow_config_does_not_declare_is_404(flow, clock):
    only_github = with_hooks(flow, {"github": {"ticket_type": "issue"}})
    settings = Settings(secret_key="hook-test-secret-" * 3)
    container = build(settings, flow=only_github, clock=clock, inbox=FakeInbox())
    client = create_app(container).test_client()
    response = client.post(
        "/hooks/gitlab", data=raw("gitlab_issue_hook.json"), headers=gitlab_headers("x")
    )
    assert response.status_code == 404
    assert response.get_json() == {"error": "no hook source 'gitlab' is configured"}


def test_a_secret_from_an_unset_environment_variable_is_503_and_logged(client, container, caplog):
    body = raw("sentry_issue_created.json")
    with caplog.at_level(logging.ERROR):
        response = client.post("/hooks/sentry", data=body, headers=sentry_headers("", body))
    assert response.status_code == 503
    assert response.get_json() == {"error": "hook secret not configured"}
    assert UNSET_SECRET_ENV in caplog.text
    assert container.inbox.recorded == {}


def test_the_secret_comes_from_the_environment_variable_when_set(client, container, monkeypatch):
    monkeypatch.setenv(UNSET_SECRET_ENV, "from-the-environment")
    body = raw("sentry_issue_created.json")
    response = client.post(
        "/hooks/sentry", data=body, headers=sentry_headers("from-the-environment", body)
    )
    assert response.status_code == 202


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b"[1]"])
def test_a_signed_body_that_is_not_a_json_object_is_400(client, container, body):
    response = post_github(client, container, body)
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


def test_a_body_of_the_wrong_shape_is_400_naming_what_is_wrong(client, container):
    body = body_of(load("issues.opened.json") | {"issue": "not an object"})
    response = post_github(client, container, body)
    assert (response.status_code, response.get_json()) == (
        400,
        {"error": "issue must be an object"},
    )


def test_a_draft_the_intake_rules_refuse_is_400_naming_each_field(client, container):
    body = body_of({"title": "", "requirements": "r", "drop_dead_date": "2001-01-01"})
    headers = generic_headers(secret(container, "generic"), body)
    response = client.post("/hooks/generic", data=body, headers=headers)
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"title", "drop_dead_date"}
    assert "title: is required" in response.get_json()["error"]


def test_an_oversized_body_is_413_as_json(client, container):
    limit = container.settings.max_request_bytes
    body = body_of({"title": "big", "requirements": "x" * limit})
    response = client.post(
        "/hooks/generic", data=body, headers=generic_headers(secret(container, "generic"), body)
    )
    assert response.status_code == 413
    assert "too large" in response.get_json()["error"]
    assert container.inbox.recorded == {}


def test_only_post_is_allowed(client):
    response = client.get("/hooks/github")
    assert response.status_code == 405 and response.is_json


def test_when_the_inbox_cannot_record_the_tool_is_told_to_retry(container, caplog):
    container.__dict__["inbox"] = BrokenInbox()
    client = create_app(container).test_client()
    body = raw("alertmanager.firing.json")
    with caplog.at_level(logging.ERROR):
        response = client.post(
            "/hooks/alertmanager", data=body, headers=bearer(secret(container, "alertmanager"))
        )
    assert response.status_code == 503
    assert "try again" in response.get_json()["error"]
    assert "the table is unreachable" in caplog.text


def test_no_csrf_token_or_cookie_is_needed(container):
    app = create_app(container)
    app.config["WTF_CSRF_ENABLED"] = True
    body = raw("issues.opened.json")
    response = app.test_client().post(
        "/hooks/github",
        data=body,
        headers=github_headers(secret(container, "github"), body, "issues"),
    )
    assert response.status_code == 202
    assert json.loads(response.data) == {"status": "accepted"}


def _paths(data, prefix=(), depth=3):
    """Every key path of a JSON object, down to `depth` levels."""
    for key, value in data.items():
        yield (*prefix, key)
        if isinstance(value, dict) and depth > 1:
            yield from _paths(value, (*prefix, key), depth - 1)


def _replaced(data, path, value):
    data = json.loads(json.dumps(data))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


ODD_VALUES = [None, 7, "text", [], {}, True, "x" * 30_000]
SIGNED = {
    "github": ("issues.opened.json", lambda s, b: github_headers(s, b, "issues")),
    "alertmanager": ("alertmanager.firing.json", lambda s, b: bearer(s)),
    "gitlab": ("gitlab_issue_hook.json", lambda s, b: gitlab_headers(s)),
    "grafana": ("grafana_webhook.json", lambda s, b: basic(s)),
    "generic": ("alertmanager.firing.json", lambda s, b: generic_headers(s, b)),
    "sentry": ("sentry_issue_created.json", lambda s, b: sentry_headers(s, b)),
}


@pytest.mark.parametrize("source", sorted(SIGNED))
def test_no_value_anywhere_in_a_signed_body_makes_a_500(client, container, source, monkeypatch):
    monkeypatch.setenv(UNSET_SECRET_ENV, "sentry-secret")
    fixture, headers_for = SIGNED[source]
    data = load(fixture)
    for path in _paths(data):
        for value in ODD_VALUES:
            body = body_of(_replaced(data, path, value))
            headers = headers_for(secret(container, source), body)
            response = client.post(f"/hooks/{source}", data=body, headers=headers)
            assert response.status_code in (200, 202, 400), (path, value, response.get_json())
            assert response.is_json
