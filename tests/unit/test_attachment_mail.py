"""Who hears of files added on their own: the owner (or the triagers) of the requester's, the
requester of the team's public ones, nobody of the team's own; each mail names the files."""

from __future__ import annotations

from services.application.notify import handle_event
from services.domain.actors import Actor
from services.domain.attachments import Limits, new_ref
from tests.unit.test_notify_integrations import setup

LOG = new_ref("db.log", "text/plain", 2048, "a" * 64)


def attached(tickets, ticket, clock, actor, public):
    change = ticket.attach(
        now=clock.now(),
        actor=actor,
        files=[LOG],
        public=public,
        history=tickets.history(ticket.number),
        limits=Limits(),
    )
    tickets.save(ticket, change)
    return change.event


def test_the_requesters_files_reach_the_owner(flow, clock):
    tickets, mailer, deps, ticket = setup(flow, clock)
    tickets.save(ticket, ticket.take(now=clock.now(), actor=Actor.staff(flow.member("priya"))))
    handle_event(attached(tickets, ticket, clock, Actor.requester("ana@example.org"), True), deps)
    (mail,) = mailer.outbox
    assert mail.to == ("priya@example.org",)
    assert mail.subject.endswith(f"Files from the requester: {ticket.title}")
    assert "db.log (2 KB)" in mail.text


def test_the_teams_public_files_reach_the_requester_and_its_own_nobody(flow, clock):
    tickets, mailer, deps, ticket = setup(flow, clock)
    mira = Actor.staff(flow.member("mira"))
    handle_event(attached(tickets, ticket, clock, mira, False), deps)
    assert mailer.outbox == []
    handle_event(attached(tickets, ticket, clock, mira, True), deps)
    (mail,) = mailer.outbox
    assert mail.to == ("ana@example.org",)
    assert "Mira Okafor added files to your ticket:" in mail.text
    assert "db.log (2 KB)" in mail.text
