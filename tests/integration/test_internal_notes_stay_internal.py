"""What the team says among itself never leaves it: an internal note (by API body, console
form or a team member's mail), a correction's reason and its before-and-after appear on no
public surface (the status page and its JSON, /me, the public queue, its JSON and feed),
in no mail to anyone outside the team, and in no payload a public-only webhook subscription
gets; a public comment appears where the requester looks. The app runs over fakes."""

from __future__ import annotations

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.application.notify import NotifyDeps, handle_event
from services.application.webhooks_out import deliver_event
from services.domain.tokens import status_token
from tests.fake_sessions import FakeSessions
from tests.fakes import FakeMailer, FakeMailLedger, FakeRequesterLinks, FakeTicketRepository
from tests.integration.console_helpers import act_as
from tests.integration.self_service.self_service_helpers import file, sign_in
from tests.unit.webhook_builders import AUDIT, CHAT, HOOKS, deps, sub

NOTE = "NOTE-7f3a: root password in vault ops/db1001"
REASON = "REASON-7f3a: the requester's boss asked"
OLD_TITLE = "OLDTITLE-7f3a rotate the keys"
SAID = "SAID-7f3a: the keys are rotated"


@pytest.fixture
def container(flow, clock):
    settings = Settings(secret_key="test-secret-" * 4, base_url="http://rt.example.org")
    return build(
        settings,
        flow=flow,
        clock=clock,
        tickets=FakeTicketRepository(),
        requester_links=FakeRequesterLinks(),
        mailer=FakeMailer(),
        mail_ledger=FakeMailLedger(),
        sessions=FakeSessions(clock),
    )


@pytest.fixture
def talked(container) -> int:
    """A public ticket the team talked about: internal notes, a correction, and one public
    comment (SAID)."""
    number = file(container, title=OLD_TITLE, cc=["lee@example.org"])
    act_as(container, "priya", number, "comment", {"message": NOTE})
    act_as(container, "mira", number, "comment", {"message": NOTE, "public": False})
    act_as(container, "mira", number, "edit", {"title": "Rotate the keys", "reason": REASON})
    act_as(container, "jonas", number, "comment", {"message": SAID, "public": True})
    return number


def secret_free(text: str) -> bool:
    return all(s not in text for s in (NOTE, REASON, OLD_TITLE))


def test_the_requesters_pages_and_json_show_the_public_comment_only(container, client, talked):
    ticket = container.tickets.get(talked)
    token = status_token(container.settings.secret_key, talked, ticket.token_salt)
    page = client.get(f"/tickets/{talked}?token={token}").text
    data = client.get(f"/api/v1/tickets/{talked}?token={token}").text
    for text in (page, data):
        assert SAID in text and secret_free(text)
    sign_in(client, container)
    for path in ("/me/", f"/me/tickets/{talked}"):
        mine = client.get(path)
        assert mine.status_code == 200 and secret_free(mine.text), path
    assert SAID in client.get(f"/me/tickets/{talked}").text


def test_the_public_queue_its_json_and_its_feed_show_no_note(client, talked):
    for path in ("/queue", "/api/v1/queue", f"/api/v1/queue?ticket={talked}", "/queue.atom"):
        response = client.get(path)
        assert response.status_code == 200 and secret_free(response.text), path
        assert "Rotate the keys" in response.text, path


def test_no_mail_outside_the_team_carries_a_note(container, talked, flow):
    notify = NotifyDeps(
        container.tickets,
        FakeMailLedger(),
        container.mailer,
        flow,
        container.clock,
        "http://rt.example.org",
        container.settings.secret_key,
    )
    for event in container.tickets.history(talked):
        handle_event(event, notify)
    team = {m.email for m in flow.team.members}
    outside = [m for m in container.mailer.outbox if not set(m.to) <= team]
    assert {a for m in outside for a in m.to} >= {"ana@example.org", "lee@example.org"}
    for mail in outside:
        assert secret_free(mail.text) and secret_free(mail.html), mail.to
    assert any(SAID in m.text for m in container.mailer.to("ana@example.org"))
    assert any(SAID in m.text for m in container.mailer.to("lee@example.org"))
    inside = [m for m in container.mailer.outbox if set(m.to) <= team]
    assert any(NOTE in m.text for m in inside)  # the owner hears of the notes


def test_public_only_webhooks_get_no_note_the_teams_own_do(container, talked, flow, clock):
    hooks = deps(
        container.tickets,
        flow,
        clock,
        sub("public", HOOKS),
        sub("chat", CHAT, format="slack"),
        sub("team", AUDIT, public_only=False),
    )
    for event in container.tickets.history(talked):
        deliver_event(event, hooks)
    for url in (HOOKS, CHAT):
        bodies = [r.body.decode() for r in hooks.poster.to(url)]
        assert bodies and all(secret_free(b) for b in bodies), url
    assert any(SAID in r.body.decode() for r in hooks.poster.to(CHAT))
    assert any(NOTE in r.body.decode() for r in hooks.poster.to(AUDIT))
