"""Talking and correcting, the same cases on the fake, on DynamoDB and on SQLite: a ticket
made private leaves the public queue's index in the change that makes it so (and comes back
when made public); a correction's before and after read back as written; an owner who asks
the requester gives the ticket back in the same transaction."""

from __future__ import annotations

from datetime import date

from services.domain.actors import Actor
from services.domain.flow import Member
from services.domain.lifecycle import Status

from .builders import T0, minutes, stored, taken

MIRA = Actor.staff(Member(id="mira", name="Mira", email="mira@example.org", roles=("triager",)))


def public_numbers(tickets, status: Status) -> list[int]:
    page, _ = tickets.public(status, limit=100)
    return [t.number for t in page]


def test_a_ticket_made_private_leaves_the_public_queue_at_once(tickets):
    t = stored(tickets, status=Status.TRIAGED)
    assert t.number in public_numbers(tickets, Status.TRIAGED)
    tickets.save(t, t.edit(now=T0 + minutes(1), actor=MIRA, values={"private": True}, reason="x"))
    assert t.number not in public_numbers(tickets, Status.TRIAGED)
    assert tickets.get(t.number).private is True
    tickets.save(t, t.edit(now=T0 + minutes(2), actor=MIRA, values={"private": False}, reason="y"))
    assert t.number in public_numbers(tickets, Status.TRIAGED)


def test_a_finished_ticket_made_private_leaves_the_finished_queue_too(tickets):
    t = stored(tickets, status=Status.CLOSED)
    tickets.save(t, t.edit(now=T0 + minutes(1), actor=MIRA, values={"private": True}, reason="x"))
    assert t.number not in public_numbers(tickets, Status.CLOSED)


def test_a_correction_reads_back_as_it_was_written(tickets):
    t = stored(tickets, acceptance_criteria=["Lag under 60 s"], drop_dead_date=date(2027, 1, 8))
    values = {
        "title": "A read replica",
        "acceptance_criteria": ["Lag under 60 s", "Analysts log in"],
        "drop_dead_date": None,
    }
    change = t.edit(now=T0 + minutes(1), actor=MIRA, values=values, reason="by phone")
    tickets.save(t, change)
    stored_again = tickets.get(t.number)
    assert (stored_again.title, stored_again.acceptance_criteria) == (
        "A read replica",
        ["Lag under 60 s", "Analysts log in"],
    )
    assert stored_again.drop_dead_date is None
    [edited] = [e for e in tickets.history(t.number) if e.kind == "ticket.edited"]
    assert edited == change.event
    assert edited.data["changes"]["drop_dead_date"] == {"before": "2027-01-08", "after": None}


def test_an_owner_who_asks_the_requester_gives_the_ticket_back_in_the_same_change(tickets, tag):
    member = f"asker-{tag}"
    t = stored(tickets)
    tickets.save(t, taken(t, member))
    assert tickets.open_counts([member]) == {member: 1}
    owner = Actor("staff", member, "Ann", frozenset({"engineer"}))
    change = t.ask_for_info(now=T0 + minutes(1), actor=owner, fields=["end_state"], message="?")
    tickets.save(t, change)
    assert tickets.open_counts([member]) == {member: 0}
    assert (tickets.get(t.number).status, tickets.get(t.number).owner) == (Status.NEEDS_INFO, None)
    assert t.number not in [x.number for x in tickets.by_owner(member)]
