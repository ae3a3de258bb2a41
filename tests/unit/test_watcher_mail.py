"""Who hears what when a ticket has watchers: the CC named at filing are told who copied them,
every public mail to the requester goes to each watcher too (without the status link, with a
link that takes them off), internal steps reach no watcher, and a merge tells the duplicate's
people where their request lives now."""

from __future__ import annotations

import pytest

from services.application import merging, watching
from services.application.actions import perform
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.notify import NotifyDeps, handle_event
from services.domain.actors import Actor
from services.domain.tokens import status_token
from services.domain.watchers import unwatch_token
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer, FakeMailLedger

SECRET = "x" * 48
BASE = "http://rt.example.org"


class World:
    def __init__(self, tickets, flow, clock):
        self.deps = TicketDeps(tickets, flow, clock, SECRET)
        self.mailer = FakeMailer()
        self.notify = NotifyDeps(tickets, FakeMailLedger(), self.mailer, flow, clock, BASE, SECRET)
        self.delivered: set[str] = set()

    def file(self, **fields) -> int:
        return file_ticket(valid_ticket(**fields), self.deps, source="api").ticket.number

    def deliver(self, number: int, times: int = 1) -> None:
        """Every event of the ticket not delivered yet, to notify (`times` times each)."""
        for event in self.deps.tickets.history(number):
            if event.id in self.delivered:
                continue
            self.delivered.add(event.id)
            for _ in range(times):
                handle_event(event, self.notify)

    def to(self, address: str):
        return self.mailer.to(address)


@pytest.fixture
def world(tickets, flow, clock):
    return World(tickets, flow, clock)


def test_each_cc_learns_who_copied_them_with_a_link_that_takes_them_off(world):
    n = world.file(cc=["lee@example.org"], title="Replica <b>now</b>")
    world.deliver(n, times=2)
    [mail] = world.to("lee@example.org")
    assert mail.subject == f"[TechOps #{n}] Copied: Replica <b>now</b>"
    assert "Ana Souza (ana@example.org) copied you" in mail.text
    link = f"{BASE}/tickets/{n}/unwatch?address=lee%40example.org&token="
    assert link + unwatch_token(SECRET, n, "lee@example.org") in mail.text
    assert mail.headers["List-Unsubscribe"].startswith(f"<{link}")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    ticket = world.deps.tickets.get(n)
    assert status_token(SECRET, n, ticket.token_salt) not in mail.text + (mail.html or "")
    assert "Replica &lt;b&gt;now&lt;/b&gt;" in (mail.html or "")
    assert "Reply to this mail" not in mail.text
    # The filing's event is the acknowledgement: its ledger claim records that Lee was told.
    [filed] = world.deps.tickets.history(n)
    assert (n, filed.id, "lee@example.org") in world.notify.ledger.claimed


def test_watchers_get_every_public_mail_the_requester_gets_and_no_internal_one(world, staff):
    n = world.file(cc=["lee@example.org"])
    perform(n, "assign", {"owner": "tomas"}, staff["mira"], world.deps)
    perform(n, "start", {}, staff["tomas"], world.deps)
    perform(n, "update", {"message": "Ordered", "eta": "2026-12-20"}, staff["tomas"], world.deps)
    perform(
        n,
        "update",
        {"message": "Vendor is slow", "reason": "internal", "public": False},
        staff["tomas"],
        world.deps,
    )
    perform(n, "reject", {"reason": "Out of scope"}, staff["tomas"], world.deps)
    world.deliver(n)
    to_requester = [m.subject.split("] ")[1] for m in world.to("ana@example.org")]
    to_watcher = [m.subject.split("] ")[1] for m in world.to("lee@example.org")]
    assert to_watcher == ["Copied: " + world.deps.tickets.get(n).title, *to_requester[1:]]
    assert [s.split(":")[0] for s in to_watcher[1:]] == ["Update", "Rejected"]
    outside = [
        m.text for m in world.mailer.outbox if m.to[0] in ("ana@example.org", "lee@example.org")
    ]
    assert not any("Vendor is slow" in text for text in outside)
    rejected = world.to("lee@example.org")[-1]
    assert "Tomás Lindqvist rejected Ana Souza's ticket." in rejected.text
    assert "Reason: Out of scope" in rejected.text


def test_a_request_for_information_goes_to_the_requester_alone(world, staff):
    n = world.file(cc=["lee@example.org"])
    triage_asks = world.deps.tickets.get(n)
    world.deps.tickets.save(
        triage_asks,
        triage_asks.request_info(
            now=world.deps.clock.now(), missing=["end_state"], actor=Actor.system("triage")
        ),
    )
    world.deliver(n)
    assert [m.subject.split("] ")[1].split(":")[0] for m in world.to("lee@example.org")] == [
        "Copied"
    ]
    assert any("More information needed" in m.subject for m in world.to("ana@example.org"))


def test_whom_staff_add_hears_so_and_whom_they_remove_hears_nothing(world, staff):
    n = world.file(cc=["lee@example.org"])
    world.deliver(n)
    watching.change_watchers(
        n, {"add": ["kim@example.org"], "remove": ["lee@example.org"]}, staff["jonas"], world.deps
    )
    world.deliver(n)
    [mail] = world.to("kim@example.org")
    assert "Jonas Weber of the TechOps team copied you on Ana Souza's ticket." in mail.text
    assert [m.subject.split("] ")[1].split(":")[0] for m in world.to("lee@example.org")] == [
        "Copied"
    ]


def test_a_merge_tells_the_duplicates_requester_and_watchers_where_it_lives_now(world, staff):
    target = world.file(title="MySQL replica for analytics")
    perform(target, "assign", {"owner": "priya"}, staff["mira"], world.deps)
    duplicate = world.file(requester={"name": "Bob", "email": "bob@example.org"}, cc="lee@x.org")
    merging.merge(duplicate, {"into": target}, staff["mira"], world.deps)
    world.deliver(duplicate)
    world.deliver(target)
    [merged] = [m for m in world.to("bob@example.org") if "Merged" in m.subject]
    assert merged.subject.endswith(
        f"Merged into #{target}: {world.deps.tickets.get(duplicate).title}"
    )
    assert f"#{target}: MySQL replica for analytics" in merged.text
    assert "Nothing you wrote is lost" in merged.text
    [copy] = [m for m in world.to("lee@x.org") if "Merged" in m.subject]
    assert "Mira Okafor merged Bob's ticket into ticket" in copy.text
    [owner] = [m for m in world.to("priya@example.org") if "duplicate" in m.subject]
    assert f"merged ticket #{duplicate}" in owner.text
    assert "bob@example.org, lee@x.org" in owner.text
