"""Tickets in any state, the actors who act on them, and the clock they act at: what the tests
of the Ticket's actions (tests/unit/test_ticket_*.py) build on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.domain.actors import Actor
from services.domain.drafts import Requester
from services.domain.flow import Member
from services.domain.lifecycle import Status
from services.domain.ticket import Ticket

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
EARLIER = NOW - timedelta(days=2)
TODAY = NOW.date()
ANA = Actor.requester("Ana@Example.org")  # the requester, however she spells her address
BOB = Actor.requester("bob@example.org")
# A triager who is not an engineer (the example team has none), and an admin who is nothing else.
TESS = Member(id="tess", name="Tess Nakamura", email="tess@example.org", roles=("triager",))
ROOT = Member(id="root", name="Root", email="root@example.org", roles=("admin",), wip_limit=1)
CRITERIA = ["The replica lags less than 60 s", "Analysts can log in", "Dashboards exist"]


def make_ticket(status=Status.TRIAGED, owner=None, number=7, **fields) -> Ticket:
    return Ticket(
        number=number,
        type="general",
        title="Grant the analytics team a read replica",
        requirements="A MySQL read replica of the wiki database for analytics queries.",
        requester=Requester(name="Ana Souza", email="ana@example.org"),
        created_at=EARLIER,
        updated_at=EARLIER,
        status_since=EARLIER,
        token_salt="salt",
        token_digest="digest",
        status=status,
        owner=owner,
        **fields,
    )


def owned(status=Status.IN_PROGRESS, owner="tomas", **fields) -> Ticket:
    return make_ticket(status=status, owner=owner, **fields)


def escalated(flow, staff, to="priya", status=Status.IN_PROGRESS) -> Ticket:
    ticket = owned(status=status)
    ticket.escalate(now=EARLIER, actor=staff["tomas"], to=flow.member(to), reason="needs a DBA")
    return ticket


def child_of(parent, staff, owner=None):
    return parent.child(
        number=9,
        now=NOW,
        actor=staff["mira"],
        title="Order the disks",
        requirements="Twelve 4 TB disks for the replica host.",
        acceptance_criteria=["Disks delivered"],
        owner=owner,
        token_salt="child-salt",
        token_digest="child-digest",
    )
