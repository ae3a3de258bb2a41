"""Edits in GitHub reach the ticket: an issue's title or text edited (`issues.edited`) and a
comment edited (`issue_comment.edited`), each one edit event with before and after."""

from __future__ import annotations

import pytest

from services.application.inbound import InboundDeps, apply
from services.domain import events as ev
from services.domain.inbound import InboundAction
from services.intake.hooks import github
from services.intake.hooks.payload import Reply
from tests.fakes import FakeInbox, FakeTicketRepository
from tests.fixtures.webhooks import body_of, github_headers, hook_request, load, with_hooks

SECRET = "It's a Secret to Everybody"
OLD_TITLE = "Spelling error in the README file"
OLD_BODY = "It looks like you accidently spelled 'commit' with two 't's."


@pytest.fixture
def deps(flow, clock):
    inbox = FakeInbox()
    return InboundDeps(FakeTicketRepository(inbox), inbox, with_hooks(flow), clock, "s" * 40)


def deliver(deps, data: dict, event: str, delivery: str):
    body = body_of(data)
    headers = github_headers(SECRET, body, event, delivery=delivery)
    req = hook_request("github", deps.flow, body, headers)
    github.authenticate(req, SECRET)
    m = github.parse(req)
    if isinstance(m, Reply):
        return m
    deps.inbox.record(m)
    return apply(m, deps)


def issue_edited(**changes) -> dict:
    data = load("issues.opened.json") | {"action": "edited", "changes": {}}
    for name, (before, after) in changes.items():
        data["changes"][name] = {"from": before}
        data["issue"][name] = after
    data["sender"]["login"] = "hubot"
    return data


def comment_edited(before: str, after: str) -> dict:
    data = load("issue_comment.created.json") | {"action": "edited"}
    data["changes"] = {"body": {"from": before}}
    data["comment"]["body"] = after
    return data


@pytest.fixture
def filed(deps):
    assert deliver(deps, load("issues.opened.json"), "issues", "d-open") == "filed #1"
    assert deps.tickets.get(1).title == OLD_TITLE
    return deps.tickets.get(1)


def test_an_edited_title_and_text_become_the_tickets_with_before_and_after(deps, filed):
    new_title, new_body = "Spelling error in README.md", "It says 'committ' in two places."
    outcome = deliver(
        deps,
        issue_edited(title=(OLD_TITLE, new_title), body=(OLD_BODY, new_body)),
        "issues",
        "d-edit",
    )
    assert outcome == "applied to #1"
    ticket = deps.tickets.get(1)
    assert (ticket.title, ticket.requirements) == (new_title, new_body)
    edited = deps.tickets.history(1)[-1]
    assert (edited.kind, edited.actor, edited.public) == (ev.EDITED, "source:github", False)
    assert edited.data == {
        "changes": {
            "title": {"before": OLD_TITLE, "after": new_title},
            "requirements": {"before": OLD_BODY, "after": new_body},
        },
        "reason": "edited in GitHub by hubot",
        "url": "https://github.com/Codertocat/Hello-World/issues/1",
    }
    assert "Title: “Spelling error in the README file” → “Spelling error in README.md”" in (
        edited.detail
    )


def test_an_edited_comment_is_recorded_before_and_after(deps, filed):
    comment = load("issue_comment.created.json")
    deliver(deps, comment, "issue_comment", "d-comment")
    before = comment["comment"]["body"]
    outcome = deliver(deps, comment_edited(before, "Fixed now."), "issue_comment", "d-c-edit")
    assert outcome == "applied to #1"
    edited = deps.tickets.history(1)[-1]
    assert edited.kind == ev.EDITED
    assert edited.data["changes"] == {"comment": {"before": before, "after": "Fixed now."}}
    assert edited.data["url"] == comment["comment"]["html_url"]
    assert deps.tickets.get(1).title == OLD_TITLE  # the ticket's own fields are as they were


def test_an_edit_that_changes_nothing_the_ticket_holds_is_settled(deps, filed):
    outcome = deliver(deps, issue_edited(title=("Typo", OLD_TITLE)), "issues", "d-same")
    assert outcome == "ignored: the edit changes nothing the ticket holds"
    assert [e.kind for e in deps.tickets.history(1)] == [ev.TICKET_FILED]


def test_an_edit_of_neither_title_nor_text_is_not_acted_on(deps, filed):
    reply = deliver(deps, issue_edited(), "issues", "d-none")
    assert reply.status == 202 and "neither" in reply.body["reason"]


def test_the_edit_is_an_inbound_edit_for_the_issues_thread(deps):
    data = issue_edited(title=(OLD_TITLE, "New"))
    body = body_of(data)
    req = hook_request("github", deps.flow, body, github_headers(SECRET, body, "issues"))
    m = github.parse(req)
    assert (m.action, m.thread, m.author) == (
        InboundAction.EDIT,
        "github:Codertocat/Hello-World#1",
        "hubot",
    )
    assert (m.edits["title"].before, m.edits["title"].after) == (OLD_TITLE, "New")
