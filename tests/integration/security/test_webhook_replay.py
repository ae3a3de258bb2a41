"""A copy of a generic hook's delivery sent again: under a fresh delivery id, after the window,
or signed over the body only, it is never applied twice (issue 18, item 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.adapters.bootstrap import build
from tests.fixtures.webhooks import (
    SIGNED_AT,
    body_of,
    body_signed_generic_headers,
    generic_headers,
    github_headers,
    gitlab_headers,
    raw,
    with_hooks,
)

BODY = body_of({"action": "comment", "key": "cert-www", "message": "+1"})


@pytest.fixture
def container(settings, flow, clock):
    hooks = {
        "generic": {"ticket_type": "issue", "replay_window_seconds": 300},
        "github": {"ticket_type": "issue", "replay_window_seconds": 300},
        "gitlab": {"ticket_type": "issue"},
    }
    built = build(settings, flow=with_hooks(flow, hooks), clock=clock)
    yield built
    built.database.close()


def post(client, headers):
    return client.post("/hooks/generic", data=BODY, headers=headers)


def recorded(container) -> list[str]:
    """The deliveries recorded (a body's replay key is a row of its own, not a delivery)."""
    rows = container.database.rows("SELECT key FROM inbox WHERE key NOT LIKE 'replay:%'")
    return sorted(row["key"] for row in rows)


def test_a_body_only_signature_sent_again_under_fresh_delivery_ids_is_applied_once(
    client, container
):
    secret = container.hook_secret("generic")
    answers = [post(client, body_signed_generic_headers(secret, BODY, f"d-{n}")) for n in range(6)]
    assert [a.status_code for a in answers] == [202] + [200] * 5
    assert {a.get_json()["status"] for a in answers[1:]} == {"duplicate"}
    assert len(recorded(container)) == 1


def test_a_signed_delivery_under_another_delivery_id_is_refused(client, container):
    headers = generic_headers(container.hook_secret("generic"), BODY, "d-1")
    assert post(client, headers).status_code == 202
    replayed = headers | {"X-RTFlow-Delivery": "d-2"}
    response = post(client, replayed)
    assert response.status_code == 401
    assert recorded(container) == ["generic#d-1"]


def test_the_same_signed_delivery_within_the_window_is_a_duplicate(client, container, clock):
    headers = generic_headers(container.hook_secret("generic"), BODY, "d-1")
    assert post(client, headers).status_code == 202
    clock.advance(seconds=299)
    response = post(client, headers)
    assert (response.status_code, response.get_json()) == (200, {"status": "duplicate"})


def test_a_signed_delivery_outside_the_window_is_refused(client, container, clock):
    secret = container.hook_secret("generic")
    clock.advance(seconds=301)
    response = post(client, generic_headers(secret, BODY, "d-1"))
    assert response.status_code == 401
    assert "300 seconds" in response.get_json()["error"]
    early = generic_headers(secret, BODY, "d-2", at=clock.now() + timedelta(seconds=301))
    assert post(client, early).status_code == 401
    assert recorded(container) == []


def test_a_sender_rotating_its_secret_may_sign_twice(client, container):
    old = generic_headers("the old secret", BODY, "d-1")["X-RTFlow-Signature"]
    new = generic_headers(container.hook_secret("generic"), BODY, "d-1")["X-RTFlow-Signature"]
    v1 = new.split(",")[1]
    headers = {"X-RTFlow-Signature": f"{old},{v1}", "X-RTFlow-Delivery": "d-1"}
    assert post(client, headers | {"Content-Type": "application/json"}).status_code == 202


@pytest.mark.parametrize(
    "value", ["", "t=abc,v1=00", "v1=00", f"t={int(SIGNED_AT.timestamp())}", "garbage"]
)
def test_an_unreadable_signature_is_401(client, container, value):
    headers = {"X-RTFlow-Signature": value, "Content-Type": "application/json"}
    response = post(client, headers)
    assert response.status_code == 401 and response.is_json


def test_a_github_body_under_a_fresh_delivery_id_is_a_duplicate_within_the_window(
    client, container, clock
):
    """GitHub signs the body alone: the same body is a duplicate for the window; later it is
    a delivery of its own (nothing signed says when it was sent)."""
    body, secret = raw("issue_comment.created.json"), container.hook_secret("github")

    def send(delivery: str):
        headers = github_headers(secret, body, "issue_comment", delivery)
        return client.post("/hooks/github", data=body, headers=headers)

    assert send("gh-1").status_code == 202
    assert [send(f"gh-{n}").get_json()["status"] for n in (2, 3, 1)] == ["duplicate"] * 3
    clock.advance(seconds=301)
    assert send("gh-4").status_code == 202
    assert send("gh-1").get_json()["status"] == "duplicate"  # its own id is remembered
    assert len(recorded(container)) == 2


def test_a_gitlab_body_under_a_fresh_event_uuid_is_a_duplicate(client, container):
    body, secret = raw("gitlab_issue_hook.json"), container.hook_secret("gitlab")
    answers = [
        client.post("/hooks/gitlab", data=body, headers=gitlab_headers(secret, uuid=f"u-{n}"))
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [202, 200, 200]
