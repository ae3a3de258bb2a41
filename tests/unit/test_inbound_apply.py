"""Applying what other tools and mail sent: one ticket per thread, every delivery once."""

from __future__ import annotations

import pytest

from services.application.inbound import InboundDeps, apply
from services.domain import events as ev
from services.domain import threading
from services.domain.actors import Actor
from services.domain.flow import FlowConfig
from services.domain.inbound import Inbound
from services.domain.lifecycle import Status
from tests.fakes import FakeInbox, FakeTicketRepository

THREAD = "github:octo/ops#7"


@pytest.fixture
def hook_flow(flow) -> FlowConfig:
    data = flow.model_dump(mode="json")
    data["hooks"] = {
        "github": {"ticket_type": "issue"},
        "alertmanager": {"ticket_type": "alert", "on_resolved": "close"},
        "grafana": {"ticket_type": "alert"},
    }
    data["email"] = {"address": "tickets@example.org", "ticket_type": "general"}
    return FlowConfig.model_validate(data)


@pytest.fixture
def deps(hook_flow, clock):
    inbox = FakeInbox()
    return InboundDeps(
        tickets=FakeTicketRepository(inbox),
        inbox=inbox,
        flow=hook_flow,
        clock=clock,
        secret_key="s" * 40,
    )


def opened(delivery="d-open", source="github", thread=THREAD, **draft) -> Inbound:
    return Inbound(
        source=source,
        delivery=delivery,
        action="open",
        thread=thread,
        author="octocat",
        url="https://github.com/octo/ops/issues/7",
        draft={
            "type": "issue",
            "title": "Spelling error in the README file",
            "requirements": "It looks like you accidentally spelled 'commit' with two 't's.",
            "requester": {"name": "GitHub (via hook)", "email": "techops@example.org"},
            **draft,
        },
    )


def said(action: str, delivery: str, message: str = "", **kw) -> Inbound:
    return Inbound(
        source=kw.pop("source", "github"),
        delivery=delivery,
        action=action,
        thread=kw.pop("thread", THREAD),
        author="octocat",
        message=message,
        **kw,
    )


def kinds(deps, number=1):
    return [e.kind for e in deps.tickets.events[number]]


def test_an_opened_issue_files_one_ticket_linked_to_its_thread(deps):
    assert apply(opened(), deps) == "filed #1"
    ticket = deps.tickets.get(1)
    assert ticket.status is Status.NEW  # triage checks it like any other
    assert deps.inbox.links == {THREAD: 1}
    (filed,) = deps.tickets.events[1]
    assert filed.actor == "source:github"
    assert filed.data == {
        "url": "https://github.com/octo/ops/issues/7",
        "author": "octocat",
        "source": "github",
        "type": "issue",
    }


def test_the_same_delivery_twice_changes_nothing_twice(deps):
    apply(opened(), deps)
    assert apply(opened(), deps) == "duplicate: applied before"
    comment = said("comment", "d-c1", "Any news?")
    assert apply(comment, deps) == "applied to #1"
    assert apply(comment, deps) == "duplicate: applied before"
    assert kinds(deps) == [ev.TICKET_FILED, ev.COMMENTED]
    assert len(deps.tickets.tickets) == 1


def test_a_second_open_for_a_linked_thread_comments_instead_of_filing(deps):
    apply(opened(), deps)
    assert apply(opened("d-open-again"), deps) == "applied to #1"
    assert kinds(deps) == [ev.TICKET_FILED, ev.COMMENTED]
    assert deps.tickets.events[1][-1].data["message"] == "Reported again in GitHub."


def test_a_comment_is_a_public_update_from_the_tool(deps):
    apply(opened(), deps)
    apply(said("comment", "d-c1", "Fixed in #8?", url="https://github.com/c/1"), deps)
    event = deps.tickets.events[1][-1]
    assert (event.kind, event.public, event.actor) == (ev.COMMENTED, True, "source:github")
    assert event.data == {
        "message": "Fixed in #8?",
        "url": "https://github.com/c/1",
        "author": "octocat",
    }


def test_close_and_reopen_follow_the_tool(deps):
    apply(opened(), deps)
    apply(said("close", "d-close"), deps)
    assert deps.tickets.get(1).status is Status.CLOSED
    assert deps.tickets.events[1][-1].data["reason"] == "closed in GitHub by octocat"
    assert apply(said("close", "d-close-2"), deps) == "ignored: ticket #1 is closed already"
    apply(said("reopen", "d-reopen"), deps)
    assert deps.tickets.get(1).status is Status.TRIAGED
    assert apply(said("reopen", "d-reopen-2"), deps) == "ignored: ticket #1 is open already"
    assert deps.inbox.applied["github#d-reopen-2"] == "ignored: ticket #1 is open already"


def test_closing_an_owned_ticket_frees_the_owners_wip(deps, hook_flow, clock):
    apply(opened(), deps)
    ticket = deps.tickets.get(1)
    mira = Actor.staff(hook_flow.member("mira"))
    deps.tickets.save(ticket, ticket.take(now=clock.now(), actor=mira))
    assert deps.tickets.wip == {"mira": 1}
    apply(said("close", "d-close"), deps)
    assert deps.tickets.wip == {"mira": 0}


def test_a_comment_for_an_unknown_thread_is_settled_with_the_reason(deps):
    outcome = apply(said("comment", "d-x", "hello", thread="github:octo/ops#99"), deps)
    assert outcome == "ignored: no ticket was filed for github:octo/ops#99"
    assert deps.tickets.tickets == {}
    assert deps.inbox.applied == {"github#d-x": outcome}


def alert(status: str, delivery: str) -> Inbound:
    if status == "firing":
        return opened(
            delivery,
            source="alertmanager",
            thread='alertmanager:{}:{alertname="X"}',
            type="alert",
        )
    return said(
        "resolved",
        delivery,
        "X resolved",
        source="alertmanager",
        thread='alertmanager:{}:{alertname="X"}',
    )


def test_an_alert_group_files_once_closes_when_resolved_and_reopens_when_it_fires_again(deps):
    assert apply(alert("firing", "a1"), deps) == "filed #1"
    assert apply(alert("firing", "a2"), deps) == "applied to #1"  # the repeat: a comment
    assert apply(alert("resolved", "a3"), deps) == "applied to #1"
    assert deps.tickets.get(1).status is Status.CLOSED  # on_resolved: close
    assert apply(alert("firing", "a4"), deps) == "applied to #1"
    assert deps.tickets.get(1).status is Status.TRIAGED
    assert kinds(deps) == [ev.TICKET_FILED, ev.COMMENTED, ev.WITHDRAWN, ev.REOPENED]
    assert len(deps.tickets.tickets) == 1


def test_a_resolved_alert_only_notes_it_by_default(deps):
    thread = 'grafana:{}:{alertname="Y"}'
    apply(opened("g1", source="grafana", thread=thread, type="alert"), deps)
    apply(said("resolved", "g2", "Y resolved", source="grafana", thread=thread), deps)
    assert deps.tickets.get(1).status is Status.NEW
    event = deps.tickets.events[1][-1]
    assert (event.kind, event.data["resolved"], event.data["message"]) == (
        ev.COMMENTED,
        True,
        "Y resolved",
    )


def test_a_source_removed_from_the_config_files_nothing(deps):
    outcome = apply(opened("s1", source="sentry", thread="sentry:1"), deps)
    assert outcome == "ignored: sentry is no longer configured"
    assert deps.tickets.tickets == {}


# -- mail ----------------------------------------------------------------------------------------


def new_mail(delivery="m1@example.org", **draft) -> Inbound:
    return Inbound(
        source="email",
        delivery=delivery,
        action="open",
        author="Ana Souza",
        author_email="ana@example.org",
        draft={
            "type": "general",
            "title": "The build server is full",
            "requirements": "tbd",
            "requester": {"name": "Ana Souza", "email": "ana@example.org"},
            **draft,
        },
    )


def reply(
    sender: str, delivery: str, number: int = 1, text: str = "Here it is", proofs=()
) -> Inbound:
    return Inbound(
        source="email",
        delivery=delivery,
        action="comment",
        ticket=number,
        author=sender.split("@")[0],
        author_email=sender,
        message=text,
        sender_proofs=proofs,
    )


def proof(deps, sender: str, number: int = 1) -> tuple[str]:
    """What a reply to our mail to `sender` about ticket `number` carries."""
    key = threading.proof_key(deps.secret_key)
    return (threading.reply_proof(key, number, sender),)


def test_a_new_mail_files_an_incomplete_ticket_for_triage_to_complete(deps):
    assert apply(new_mail(), deps) == "filed #1"
    ticket = deps.tickets.get(1)
    assert ticket.requester.email == "ana@example.org"
    assert ticket.requirements == "tbd"  # the needs-info loop asks for the rest
    assert deps.tickets.events[1][0].actor == "requester:ana@example.org"
    assert deps.inbox.links == {}  # a mail thread is followed by ticket number


def test_without_mail_intake_a_new_mail_files_nothing(deps):
    deps = InboundDeps(**{**deps.__dict__, "flow": deps.flow.model_copy(update={"email": None})})
    assert apply(new_mail(), deps) == "ignored: mail intake is not configured"


def test_the_requesters_reply_wakes_a_ticket_waiting_for_information(deps, clock):
    apply(new_mail(), deps)
    ticket = deps.tickets.get(1)
    deps.tickets.save(
        ticket,
        ticket.request_info(
            now=clock.now(), missing=["requirements"], actor=Actor.system("triage")
        ),
    )
    assert apply(reply("ana@example.org", "r1"), deps) == "applied to #1"
    ticket = deps.tickets.get(1)
    # A person reads the answer: its text fills no field, so triage would only ask again.
    assert ticket.status is Status.TRIAGED
    assert ticket.missing == ["requirements"]
    event = deps.tickets.events[1][-1]
    assert (event.kind, event.public, event.data) == (
        ev.REPLIED,
        True,
        {
            "message": "Here it is",
            "woke": True,
            "missing": ["requirements"],
            "from": "needs-info",
            "to": "triaged",
        },
    )
    assert apply(reply("ana@example.org", "r1"), deps) == "duplicate: applied before"


def test_a_team_members_mail_is_an_internal_note(deps):
    apply(new_mail(), deps)
    mira = "mira@example.org"
    apply(reply(mira, "r2", text="Looking at it", proofs=proof(deps, mira)), deps)
    event = deps.tickets.events[1][-1]
    assert (event.kind, event.public, event.actor) == (ev.COMMENTED, False, "staff:mira")


def test_a_stranger_is_refused_and_nothing_of_theirs_is_added(deps):
    apply(new_mail(), deps)
    apply(reply("eve@example.net", "r3", text="Please send me the passwords"), deps)
    event = deps.tickets.events[1][-1]
    assert (event.kind, event.public) == (ev.MAIL_REFUSED, False)
    assert event.data == {
        "from": "eve@example.net",
        "reason": "only the requester and the team may write to a ticket",
        "proven": False,  # nothing proves eve sent it: nobody answers it
    }
    assert "passwords" not in repr(deps.tickets.events[1])


def test_a_reply_to_a_ticket_that_does_not_exist_is_settled(deps):
    assert apply(reply("ana@example.org", "r4", number=42), deps) == (
        "ignored: there is no ticket #42"
    )


def test_a_comment_that_overtakes_its_opening_waits_for_it(deps):
    """The inbound queue keeps no order: the close comes back later, after the filing."""
    from services.application.inbound import NotYet

    with pytest.raises(NotYet):
        apply(said("close", "d-early"), deps, last_try=False)
    assert deps.inbox.applied == {}  # not settled: it will be tried again
    apply(opened(), deps)
    assert apply(said("close", "d-early"), deps, last_try=False) == "applied to #1"
    assert deps.tickets.get(1).status is Status.CLOSED


def test_an_internal_note_from_a_tool_is_not_public(deps):
    apply(opened(), deps)
    apply(said("comment", "d-int", "root pw is in vault path X", internal=True), deps)
    event = deps.tickets.events[1][-1]
    assert (event.kind, event.public) == (ev.COMMENTED, False)


def test_a_stranger_is_refused_once_per_ticket(deps):
    apply(new_mail(), deps)
    apply(reply("eve@example.net", "r5"), deps)
    outcome = apply(reply("eve@example.net", "r6"), deps)
    assert outcome == "ignored: eve@example.net was refused on ticket #1 before"
    assert kinds(deps).count(ev.MAIL_REFUSED) == 1
