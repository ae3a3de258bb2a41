"""A ticket reads back exactly as it was saved: every field of the domain's Ticket, with
times in their own offsets, dates, enums, complexity, escalation, timers, children, links."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone

from services.adapters.sqlite.codecs import decode_ticket, ticket_document
from services.domain.drafts import Requester
from services.domain.lifecycle import Status
from services.domain.ticket import Escalation, Ticket
from services.domain.triage_rules import Complexity
from tests.contract.builders import event

LIMA = timezone(timedelta(hours=-5))
KOLKATA = timezone(timedelta(hours=5, minutes=30))
T0 = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=LIMA)


def every_field_set() -> Ticket:
    return Ticket(
        number=41,
        type="access",
        title="Grant the analytics team a read replica",
        requirements="A read replica of the wiki database. ü ✓",
        requester=Requester(name="Ana Souza", email="ana@example.org"),
        created_at=T0,
        updated_at=T0.astimezone(KOLKATA) + timedelta(hours=2),
        token_salt="salt",
        token_digest="digest",
        status=Status.POSTPONED,
        end_state="Analysts query the replica",
        acceptance_criteria=["lag < 60 s", "analysts can log in"],
        drop_dead_date=date(2026, 12, 30),
        nice_to_have_date=date(2026, 12, 15),
        capacity_needs="500 GB",
        security_needs="read-only accounts",
        dependencies=["Storage order #12"],
        private=True,
        acknowledged_at=T0.astimezone(UTC),
        status_since=T0 + timedelta(days=1),
        owner="priya",
        complexity=Complexity("large", 8, ("two teams", "new hardware")),
        skills=["mysql", "backup"],
        missing=["budget"],
        eta=date(2026, 12, 20),
        escalation=Escalation("mira", "priya", "needs a decision", T0.astimezone(KOLKATA)),
        parent=7,
        children=[42, 43],
        depends_on=[3, 4],
        postponed_from=Status.IN_PROGRESS,
        postponed_until=datetime(2027, 1, 4, 8, 0, tzinfo=UTC),
        postponed_public=True,
        timers={"wake": T0 + timedelta(days=3), "sla-ack": T0.astimezone(KOLKATA)},
        fired=["drop-dead-near"],
        sla_breached=["resolve"],
        last_update_at=T0 + timedelta(hours=1),
        last_update="Ordered the disks",
        watchers=["lee@example.org", "kim@example.org"],
        merged_into=9,
        version=6,
    )


def test_the_example_sets_every_field_of_the_ticket():
    t = every_field_set()
    for f in dataclasses.fields(Ticket):
        if f.default is not dataclasses.MISSING:
            assert getattr(t, f.name) != f.default, f.name
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(t, f.name) != f.default_factory(), f.name


def moments(t: Ticket) -> dict[str, tuple[datetime, object]]:
    """Every time in the ticket, with its offset."""
    found = {f.name: getattr(t, f.name) for f in dataclasses.fields(t)}
    found |= {f"timer {k}": v for k, v in t.timers.items()}
    found["escalation"] = t.escalation.at if t.escalation else None
    return {k: (v, v.utcoffset()) for k, v in found.items() if isinstance(v, datetime)}


def test_every_field_reads_back_equal_with_its_types_and_offsets():
    t = every_field_set()
    back = decode_ticket(ticket_document(t), t.version or 0)
    assert back == t
    assert moments(back) == moments(t) and len(moments(t)) == 9
    assert isinstance(back.complexity.reasons, tuple)
    assert type(back.status) is Status and type(back.postponed_from) is Status
    assert type(back.drop_dead_date) is date


def test_the_document_is_the_same_text_for_the_same_ticket():
    assert ticket_document(every_field_set()) == ticket_document(every_field_set())


def test_a_stored_ticket_with_every_field_reads_back_whole(tickets):
    t = every_field_set()
    t.number, t.version = tickets.next_number(), None
    tickets.add(t, event(t, "ticket.filed"))
    back = tickets.get(t.number)
    assert back == t and moments(back) == moments(t)
    [filed] = tickets.history(t.number)
    assert filed.at == t.updated_at and filed.at.utcoffset() == t.updated_at.utcoffset()
