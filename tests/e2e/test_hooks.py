"""Webhooks in on the embedded stack: GitHub's own example payloads, signed as GitHub signs
them, file a ticket, comment on it, close and reopen it; every delivery counts once."""

from __future__ import annotations

import random
import uuid

import pytest
import requests

from tests.fixtures.webhooks import body_of, github_headers, load

from .support import eventually, unique

pytestmark = pytest.mark.e2e


class Repo:
    """One GitHub issue of a repository made up for this test, and its deliveries."""

    def __init__(self, stack_info):
        self.hook = stack_info["hooks"]["github"]
        self.name = f"octo-{unique()}/ops"
        self.issue = random.randint(1000, 99999)
        self.title = f"Disk alarms on build-{unique()} keep flapping"

    def payload(self, fixture: str, action: str | None = None) -> dict:
        data = load(fixture)
        data["repository"]["full_name"] = self.name
        data["issue"]["number"] = self.issue
        data["issue"]["title"] = self.title
        if action:
            data["action"] = action
        return data

    def post(self, event: str, data: dict, delivery: str | None = None) -> requests.Response:
        body = body_of(data)
        headers = github_headers(self.hook["secret"], body, event, delivery or str(uuid.uuid4()))
        return requests.post(self.hook["url"], data=body, headers=headers, timeout=10)


def kinds(api, number: int) -> list[str]:
    return [h["kind"] for h in api.view(number)["history"]]


def test_an_issue_files_a_ticket_and_its_comments_close_and_reopen_follow(
    stack_info, api, wait_for_mail
):
    repo = Repo(stack_info)
    opened = repo.payload("issues.opened.json")
    delivery = str(uuid.uuid4())
    first = repo.post("issues", opened, delivery)
    assert (first.status_code, first.json()) == (202, {"status": "accepted"})
    again = repo.post("issues", opened, delivery)  # GitHub's "Redeliver"
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    # The same body under a fresh id is a copy (GitHub signs the body alone): a duplicate.
    assert repo.post("issues", opened).json() == {"status": "duplicate"}
    # A new delivery about the same issue: GitHub's body differs (the issue's updated_at).
    later = {**opened, "issue": {**opened["issue"], "updated_at": "2026-11-27T10:00:00Z"}}
    assert repo.post("issues", later).status_code == 202

    # The requester of a hook's ticket is the team's list (flow config): it hears once.
    team = wait_for_mail(lambda m: repo.title in m["subject"] and "Received:" in m["subject"])
    number = int(team[0]["subject"].split("#")[1].split("]")[0])
    ticket = api.view(number)
    assert ticket["title"] == repo.title
    filed = ticket["history"][0]
    assert (filed["kind"], filed["actor"]) == ("ticket.filed", "source:github")
    assert filed["data"]["url"] == opened["issue"]["html_url"]

    comment = repo.payload("issue_comment.created.json")
    assert repo.post("issue_comment", comment).status_code == 202

    def commented() -> list[dict]:
        history = api.view(number)["history"]
        return [h for h in history if h["kind"] == "ticket.commented"]

    eventually(lambda: len(commented()) == 2, timeout=30, what="the two comments")
    # The issue "opened" once more, and the comment (the inbound queue keeps no order).
    messages = {h["data"]["message"]: h for h in commented()}
    assert set(messages) == {"Reported again in GitHub.", comment["comment"]["body"]}
    said = messages[comment["comment"]["body"]]
    assert said["public"] is True and said["actor"] == "source:github"

    assert repo.post("issues", repo.payload("issues.opened.json", "closed")).status_code == 202
    api.wait_for_status(number, "closed")
    assert repo.post("issues", repo.payload("issues.opened.json", "reopened")).status_code == 202
    api.wait_for_status(number, {"needs-info", "triaged"})
    history = kinds(api, number)
    assert history.count("ticket.filed") == 1  # the second "opened" delivery commented
    assert history.count("ticket.withdrawn") == 1 and history.count("ticket.reopened") == 1


def test_a_bad_signature_an_unknown_source_and_a_ping(stack_info, stack):
    repo = Repo(stack_info)
    body = body_of(repo.payload("issues.opened.json"))
    headers = github_headers("not-the-secret", body, "issues", str(uuid.uuid4()))
    r = requests.post(repo.hook["url"], data=body, headers=headers, timeout=10)
    assert r.status_code == 401 and "signature" in r.json()["error"].lower()
    assert requests.post(f"{stack}/hooks/jira", data=b"{}", timeout=10).status_code == 404
    ping = body_of(load("ping.json"))
    r = requests.post(
        repo.hook["url"],
        data=ping,
        headers=github_headers(repo.hook["secret"], ping, "ping", str(uuid.uuid4())),
        timeout=10,
    )
    assert r.status_code == 200 and r.json()["status"] == "pong"
