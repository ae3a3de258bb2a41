"""Who hears of a staff member's comment, of a request by hand and of a correction (notify
over fakes): a public comment reaches the requester and the watchers; an internal note never
leaves the team; nobody gets their own words, nor a mail they were sent already."""

from __future__ import annotations

import pytest

from services.application import actions
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.notify import NotifyDeps, handle_event
from services.application.triage import TriageDeps, triage
from services.domain.actors import Actor
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer, FakeMailLedger

SECRET = "m" * 48
NOTE = "root password is in vault path ops/db1001"
TEAM = {"mira@example.org", "tomas@example.org", "priya@example.org", "jonas@example.org"}


@pytest.fixture
def deps(tickets, flow, clock):
    return TicketDeps(tickets, flow, clock, SECRET)


@pytest.fixture
def mailer():
    return FakeMailer()


@pytest.fixture
def told(deps, mailer):
    """Run notify for the ticket's last event; the mails it sent, by address."""

    def notify(number: int) -> dict[str, list]:
        mailer.outbox.clear()
        notify_deps = NotifyDeps(
            deps.tickets, FakeMailLedger(), mailer, deps.flow, deps.clock, "http://rt", SECRET
        )
        handle_event(deps.tickets.history(number)[-1], notify_deps)
        sent: dict[str, list] = {}
        for mail in mailer.outbox:
            for address in mail.to:
                sent.setdefault(address, []).append(mail)
        return sent

    return notify


def owned_by_mira(deps, watchers=()) -> int:
    data = valid_ticket(title="A DNS record", requirements="A CNAME record for the wiki.")
    number = file_ticket(data | {"cc": list(watchers)}, deps, source="api").ticket.number
    triage(number, TriageDeps(deps.tickets, deps.flow, deps.clock))
    assert deps.tickets.get(number).owner == "mira"
    return number


def act(deps, who: str, number: int, action: str, body: dict) -> None:
    actions.perform(number, action, body, Actor.staff(deps.flow.member(who)), deps)


def test_a_public_comment_reaches_the_requester_the_watchers_and_the_owner(deps, told):
    number = owned_by_mira(deps, watchers=["lee@example.org"])
    act(deps, "priya", number, "comment", {"message": "The record is live.", "public": True})
    sent = told(number)
    assert set(sent) == {"ana@example.org", "lee@example.org", "mira@example.org"}
    [to_ana] = sent["ana@example.org"]
    assert "Priya Raman wrote about your ticket:" in to_ana.text
    assert "The record is live." in to_ana.text and "/tickets/" in to_ana.text
    assert "The record is live." in to_ana.html
    [to_lee] = sent["lee@example.org"]
    assert f"/tickets/{number}?token=" not in to_lee.text  # the requester's key stays theirs
    assert "wrote to the requester" in sent["mira@example.org"][0].text


def test_an_internal_note_reaches_the_owner_alone(deps, told):
    number = owned_by_mira(deps, watchers=["lee@example.org"])
    act(deps, "priya", number, "comment", {"message": NOTE})
    sent = told(number)
    assert set(sent) == {"mira@example.org"}
    assert "the requester does not see it" in sent["mira@example.org"][0].text


def test_an_internal_note_on_an_unowned_ticket_reaches_the_other_triagers(deps, told, tickets):
    number = file_ticket(valid_ticket(), deps, source="api").ticket.number
    act(deps, "mira", number, "comment", {"message": NOTE})
    assert told(number) == {}  # mira is the only triager: nobody else to tell
    act(deps, "priya", number, "comment", {"message": NOTE})
    sent = told(number)
    assert set(sent) == {"mira@example.org"}
    assert all(NOTE not in m.text for a, ms in sent.items() if a not in TEAM for m in ms)


def test_a_team_members_mail_is_not_sent_again_to_those_it_went_to(deps, told, tickets):
    number = owned_by_mira(deps, watchers=["lee@example.org", "kim@example.org"])
    ticket = tickets.get(number)
    priya = Actor.staff(deps.flow.member("priya"))
    data = {"via": "mail", "recipients": ["ana@example.org", "lee@example.org", "mira@example.org"]}
    change = ticket.comment(
        now=deps.clock.now(), actor=priya, message="Live now.", public=True, data=data
    )
    tickets.save(ticket, change)
    assert set(told(number)) == {"kim@example.org"}


def test_a_request_by_hand_tells_the_requester_what_and_why_in_plain_words(deps, told):
    number = owned_by_mira(deps)
    body = {"fields": ["drop_dead_date", "security_needs"], "message": "Which zone?"}
    act(deps, "mira", number, "request-info", body)
    sent = told(number)
    assert set(sent) == {"ana@example.org"}
    [mail] = sent["ana@example.org"]
    assert "Mira Okafor needs a little more" in mail.text
    assert "- drop-dead date" in mail.text and "- security and access needs" in mail.text
    assert "Which zone?" in mail.text and "Which zone?" in mail.html
    assert f"/tickets/{number}/info?token=" in mail.text


def test_triage_asks_in_its_own_words_still(deps, told, tickets):
    number = file_ticket(valid_ticket(), deps, source="api").ticket.number
    ticket = tickets.get(number)
    change = ticket.request_info(
        now=deps.clock.now(), missing=["end_state"], actor=Actor.system("triage")
    )
    tickets.save(ticket, change)
    [mail] = told(number)["ana@example.org"]
    assert "We need a little more" in mail.text and "- end state" in mail.text


def test_the_owner_hears_of_a_correction_someone_else_made(deps, told):
    number = owned_by_mira(deps)
    act(deps, "priya", number, "edit", {"title": "A CNAME for the wiki", "reason": "clearer"})
    sent = told(number)
    assert set(sent) == {"mira@example.org"}
    text = sent["mira@example.org"][0].text
    assert "Priya Raman corrected this ticket" in text
    assert "Title: “A DNS record” → “A CNAME for the wiki”" in text and "Why: clearer" in text
    act(deps, "mira", number, "edit", {"title": "A CNAME record", "reason": "shorter"})
    assert told(number) == {}
