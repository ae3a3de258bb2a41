"""The event catalogue: every kind has a spec, and every spec reads the data the domain
really writes (events made by the ticket's own actions), naming every key it carries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.timers import SchedulerDeps, run_due
from services.domain import events as ev
from services.domain import timers
from services.domain.actors import Actor
from services.domain.attachments import Limits, new_ref, refs_data
from services.domain.events import Event, kinds
from services.domain.events.catalogue import CATALOGUE, spec_of
from services.domain.events.payloads import Payload, Replied, Updated
from services.domain.ticket import Change, Ticket
from services.domain.ticket.attaching import carrying
from services.domain.triage_rules import Complexity
from tests.conftest import valid_ticket
from tests.fakes import FakeTicketRepository, FixedClock
from tests.unit.event_stories_tools import tool_deliveries_story

SECRET = "s" * 48
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
ANA = Actor.requester("ana@example.org", "Ana Souza")
SIZE = Complexity(size="medium", points=4, reasons=("two teams",))


def all_kinds() -> list[str]:
    return sorted(v for k, v in vars(kinds).items() if k.isupper() and isinstance(v, str))


def written_kinds() -> set[str]:
    return set(all_kinds()) - kinds.HISTORICAL


class Story:
    """Tickets filed through the filing use case and moved by the ticket's actions; every
    event they write is kept."""

    def __init__(self, flow) -> None:
        self.flow = flow
        self.tickets = FakeTicketRepository()
        self.deps = TicketDeps(self.tickets, flow, FixedClock(NOW), SECRET)
        self.events: list[ev.Event] = []

    def staff(self, member: str) -> Actor:
        return Actor.staff(self.flow.member(member))

    def file(self, **fields) -> Ticket:
        data = valid_ticket(drop_dead_date=(NOW.date() + timedelta(days=30)).isoformat())
        filed = file_ticket(data | fields, self.deps, source="api")
        self.events += self.tickets.history(filed.ticket.number)
        return filed.ticket

    def do(self, change: Change) -> None:
        assert change.event is not None
        self.events.append(change.event)


def triaged(story: Story, owner: str | None = "tomas") -> Ticket:
    ticket = story.file()
    member = story.flow.member(owner) if owner else None
    story.do(
        ticket.triage(
            now=NOW,
            actor=Actor.system("triage"),
            complexity=SIZE,
            skills=["mysql"],
            owner=member,
            routing="mysql: priya",
        )
    )
    return ticket


def waiting_story(story: Story) -> None:
    ticket = story.file()
    story.do(ticket.request_info(now=NOW, missing=["end_state"], actor=Actor.system("triage")))
    story.do(ticket.fire(timers.nudge(NOW), now=LATER))
    story.do(ticket.reply(now=LATER, actor=ANA, message="Here it is"))
    other = story.file()
    story.do(other.request_info(now=NOW, missing=["end_state"], actor=Actor.system("triage")))
    story.do(other.add_info(now=NOW, actor=ANA, values={"end_state": "A replica"}))
    third = story.file()
    story.do(third.request_info(now=NOW, missing=["end_state"], actor=Actor.system("triage")))
    story.do(third.fire(timers.auto_close(NOW), now=LATER))


def work_story(story: Story) -> None:
    tomas, mira = story.staff("tomas"), story.staff("mira")
    ticket = triaged(story)
    story.do(ticket.start(now=NOW, actor=tomas))
    story.do(
        ticket.update(
            now=NOW, actor=tomas, message="Syncing", eta=LATER.date(), reason="", public=True
        )
    )
    story.do(
        ticket.update(
            now=NOW, actor=tomas, message="Internal", eta=None, reason="vendor", public=False
        )
    )
    story.do(ticket.escalate(now=NOW, actor=tomas, to=story.flow.member("priya"), reason="DBA"))
    story.do(ticket.decline_escalation(now=NOW, actor=story.staff("priya"), reason="busy"))
    story.do(ticket.escalate(now=NOW, actor=tomas, to=story.flow.member("priya"), reason="DBA"))
    story.do(ticket.accept_escalation(now=NOW, actor=story.staff("priya")))
    story.do(
        ticket.postpone(
            now=NOW, actor=story.staff("priya"), until=LATER, reason="freeze", public=True
        )
    )
    story.do(ticket.wake(now=NOW, actor=story.staff("priya"), why="by hand"))
    story.do(
        ticket.postpone(now=NOW, actor=story.staff("priya"), until=LATER, reason="x", public=False)
    )
    story.do(ticket.fire(timers.WAKE, now=LATER))
    story.do(
        ticket.postpone(now=NOW, actor=story.staff("priya"), until=LATER, reason="y", public=True)
    )
    story.do(ticket.reply(now=NOW, actor=ANA, message="Any news?"))
    story.do(ticket.fire(timers.sla_warn("resolution"), now=LATER))
    story.do(ticket.fire(timers.sla_breach("resolution"), now=LATER))
    story.do(ticket.fire(timers.drop_dead_owner("priya"), now=LATER))
    story.do(ticket.return_to_triage(now=NOW, actor=story.staff("priya"), reason="not mine"))
    story.do(
        ticket.assign(now=NOW, actor=mira, to=story.flow.member("jonas"), override_reason="outage")
    )
    story.do(
        ticket.resolve(
            now=NOW, actor=story.staff("jonas"), checked=[0, 1], summary="Done", unfinished=[]
        )
    )
    story.do(ticket.reopen(now=NOW, actor=mira, reason="still broken"))
    story.do(ticket.take(now=NOW, actor=tomas))
    story.do(ticket.resolve(now=NOW, actor=tomas, checked=[0, 1], summary="Done", unfinished=[]))
    story.do(ticket.confirm(now=NOW, actor=ANA))
    story.do(ticket.reply(now=NOW, actor=ANA, message="Thanks"))


def ending_story(story: Story) -> None:
    mira = story.staff("mira")
    ticket = triaged(story, owner=None)
    other = triaged(story, owner=None)
    story.do(ticket.link(now=NOW, actor=mira, depends_on=other))
    story.do(ticket.split(now=NOW, actor=mira, children=[90, 91]))
    _, change = ticket.child(
        number=90,
        now=NOW,
        actor=mira,
        title="Part one",
        requirements="The first part",
        acceptance_criteria=["one"],
        owner=story.flow.member("tomas"),
        token_salt="s",
        token_digest="d",
    )
    story.do(change)
    story.do(other.reject(now=NOW, actor=mira, reason="out of scope"))
    story.do(ticket.fire(timers.DROP_DEAD_TRIAGER, now=LATER))
    story.do(ticket.take(now=NOW, actor=mira))
    story.do(ticket.resolve(now=NOW, actor=mira, checked=[0, 1], summary="ok", unfinished=[]))
    story.do(ticket.close(now=NOW, actor=mira))


def tools_story(story: Story) -> None:
    github = Actor.source("github", "octocat")
    ticket = triaged(story)
    where = {"url": "https://github.com/o/r/issues/1", "author": "octocat"}
    story.do(ticket.comment(now=NOW, actor=github, message="Still broken", public=True, data=where))
    story.do(
        ticket.comment(
            now=NOW, actor=story.staff("mira"), message="note", public=False, data={"via": "mail"}
        )
    )
    story.do(
        ticket.comment(
            now=NOW, actor=github, message="Resolved", public=True, data=where | {"resolved": True}
        )
    )
    story.do(ticket.refuse_mail(now=NOW, sender="eve@example.net", reason="not theirs"))
    story.do(ticket.withdraw(now=NOW, actor=github, reason="closed in GitHub", data=where))
    hooked = file_ticket(
        valid_ticket(),
        story.deps,
        source="github",
        actor=github,
        details=where,
        require_complete=False,
    )
    story.events += story.tickets.history(hooked.ticket.number)


def scheduler_story(story: Story) -> None:
    """Tickets left alone: the minute job fires their timers (what it adds to their data)."""
    waiting = story.file()
    story.tickets.save(
        waiting, waiting.request_info(now=NOW, missing=["end_state"], actor=Actor.system("triage"))
    )
    owned = story.file()
    story.tickets.save(owned, owned.take(now=NOW, actor=story.staff("tomas")))
    postponed = story.file()
    story.tickets.save(postponed, postponed.take(now=NOW, actor=story.staff("mira")))
    story.tickets.save(
        postponed,
        postponed.postpone(
            now=NOW, actor=story.staff("mira"), until=LATER, reason="freeze", public=True
        ),
    )
    deps = SchedulerDeps(story.tickets, story.flow, FixedClock(NOW))
    for hours in range(0, 60 * 24, 4):
        run_due(deps, NOW + timedelta(hours=hours))
    for ticket in (waiting, owned, postponed):
        story.events += story.tickets.history(ticket.number)[1:]  # filed: counted already
    fired = {e.kind for e in story.events if "timer" in e.data}
    assert fired >= {ev.NUDGED, ev.CLOSED, ev.SLA_WARNED, ev.SLA_BREACHED, ev.DROP_DEAD_NEAR}


def watching_story(story: Story) -> None:
    """Copied, watched, unwatched, merged."""
    mira = story.staff("mira")
    target = triaged(story, owner=None)
    duplicate = story.file(cc=["lee@example.org"])
    story.do(duplicate.change_watchers(now=NOW, actor=mira, add=["kim@example.org"], remove=[]))
    story.do(duplicate.drop_watcher(now=NOW, actor=ANA, address="kim@example.org"))
    story.do(
        duplicate.drop_watcher(
            now=NOW, actor=Actor.watcher("lee@example.org"), address="lee@example.org"
        )
    )
    for change in duplicate.merge_into(now=NOW, actor=mira, target=target):
        story.do(change)


def talking_story(story: Story) -> None:
    """Staff talk (a comment either way, a mail that went to the requester too), ask the
    requester by hand, and correct a ticket."""
    mira, tomas = story.staff("mira"), story.staff("tomas")
    ticket = triaged(story)
    story.do(ticket.comment(now=NOW, actor=mira, message="For Ana", public=True))
    mail = {"via": "mail", "recipients": ["ana@example.org", "techops@example.org"]}
    story.do(ticket.comment(now=NOW, actor=tomas, message="Cc'd", public=True, data=mail))
    story.do(ticket.ask_for_info(now=NOW, actor=tomas, fields=["end_state"], message="Which?"))
    values = {"title": "A replica for analytics", "drop_dead_date": None, "private": True}
    story.do(ticket.edit(now=NOW, actor=mira, values=values, reason="clearer"))


def attaching_story(story: Story) -> None:
    """Files: on their own (the requester's, staff's either way), with a filing, riding on a
    mailed reply and a team member's mailed comment."""
    mira = story.staff("mira")
    log = new_ref("db.log", "text/plain", 12, "a" * 64)
    filed = file_ticket(
        valid_ticket(), story.deps, source="web", details={"attachments": refs_data([log])}
    )
    ticket = filed.ticket
    story.events += story.tickets.history(ticket.number)
    for actor, public in ((ANA, False), (mira, True), (mira, False)):
        history = story.tickets.history(ticket.number)
        change = ticket.attach(
            now=NOW, actor=actor, files=[log], public=public, history=history, limits=Limits()
        )
        story.tickets.save(ticket, change)
        story.do(change)
    story.do(carrying(ticket.reply(now=NOW, actor=ANA, message="the log"), [log]))
    note = ticket.comment(now=NOW, actor=mira, message="ours", public=False, data={"via": "mail"})
    story.do(carrying(note, [log]))


@pytest.fixture(scope="module")
def events(flow) -> list[ev.Event]:
    story = Story(flow)
    for script in (waiting_story, work_story, ending_story, tools_story, scheduler_story):
        script(story)
    alerts = Story(flow)  # tickets of their own: the story reads every event of them
    tool_deliveries_story(alerts, SECRET, NOW)
    story.events += alerts.events
    talking_story(story)
    watching_story(story)
    attaching_story(story)
    return story.events


def test_every_kind_has_a_spec_and_every_spec_a_kind():
    assert sorted(CATALOGUE) == all_kinds()


def test_the_stories_write_every_kind(events):
    assert {e.kind for e in events} == written_kinds()


def test_an_acknowledgement_in_an_older_history_still_reads():
    old = Event(7, kinds.TICKET_ACKNOWLEDGED, NOW, "system:notify", True, {"recipients": ["a@x"]})
    assert spec_of(old.kind).summary.startswith("Acknowledged")
    assert old.payload.model_dump(exclude_unset=True) == {"recipients": ["a@x"]}


def test_every_payload_reads_what_the_domain_writes_and_names_every_key(events):
    for event in events:
        model = spec_of(event.kind).payload
        payload = event.payload
        assert type(payload) is model, event.kind
        known = {f.alias or name for name, f in model.model_fields.items()}
        assert set(event.data) <= known, (event.kind, set(event.data) - known)
        assert payload.model_dump(by_alias=True, exclude_unset=True) == event.data, event.kind


def test_every_event_is_as_public_as_its_spec_says(events):
    for event in events:
        public = spec_of(event.kind).public
        assert public is None or event.public is public, event.kind
    chosen = {e.kind for e in events if spec_of(e.kind).public is None}
    assert {(k, p) for k in chosen for p in (True, False)} <= {
        (e.kind, e.public) for e in events
    }  # a choice is really made both ways


def test_the_stored_form_is_unchanged_by_reading_it(events):
    for event in events:
        before = event.to_message()
        assert event.payload is not None and event.detail is not None
        assert event.to_message() == before
        assert ev.Event.from_message(before).to_message() == before


def test_an_unknown_kind_reads_as_its_name_with_no_detail():
    event = ev.Event(1, "ticket.from-the-future", NOW, "system:x", True, {"a": 1})
    assert (event.summary, event.detail) == ("ticket.from-the-future", "")


@pytest.mark.parametrize(
    ("kind", "data", "detail"),
    [
        (
            ev.UPDATED,
            {"message": "Replica\nsyncing", "eta": "2026-12-04", "reason": "disk"},
            "Replica\nsyncing · ETA 2026-12-04 · Reason: disk",
        ),
        (
            ev.INFO_REQUESTED,
            {"missing": ["end_state", "capacity_needs"]},
            "Missing: end state, capacity needs",
        ),
        (ev.TRIAGED, {"owner": "tomas"}, "Assigned to tomas"),
        (ev.TRIAGED, {"routing": "nobody"}, ""),
        (ev.ASSIGNED, {"owner": "tomas", "how": "taken"}, "Owner: tomas"),
        (
            ev.POSTPONED,
            {"until": "2026-12-08T09:00:00+00:00", "reason": "freeze"},
            "until 2026-12-08 09:00 UTC · freeze",
        ),
        (
            ev.COMMENTED,
            {"message": "Still broken", "author": "octocat", "url": "https://x/1"},
            "octocat: · Still broken · https://x/1",
        ),
        (ev.TICKET_FILED, {"source": "github", "url": "https://x/1"}, "From GitHub: https://x/1"),
        (ev.TICKET_FILED, {"source": "split", "parent": 3}, ""),
        (
            ev.MAIL_REFUSED,
            {"from": "eve@example.net", "reason": "not theirs"},
            "From eve@example.net: not theirs",
        ),
        (ev.SPLIT, {"children": [8, 9]}, "Sub-tickets: #8, #9"),
        (ev.RESOLVED, {"summary": "Done", "criteria": ["a"]}, "Done"),
        (ev.REJECTED, {"reason": "out of scope"}, "out of scope"),
        (ev.CLOSED, {"from": "resolved", "to": "closed"}, ""),
        (ev.STARTED, {"from": "assigned", "to": "in_progress"}, ""),
        (ev.WATCHERS_CHANGED, {"added": ["a@x.org", "b@x.org"]}, "Added: a@x.org, b@x.org"),
        (ev.MERGED, {"into": 4, "into_title": "DNS"}, "Now followed in #4 · DNS"),
        (
            ev.DUPLICATE_MERGED,
            {"duplicate": 7, "duplicate_title": "DNS", "watchers": ["a@x.org"]},
            "#7 · DNS · Now watching: a@x.org",
        ),
    ],
)
def test_the_history_line_of_each_kind(kind, data, detail):
    assert ev.Event(1, kind, NOW, "staff:tomas", True, data).detail == detail


def test_dates_stay_as_written():
    event = ev.Event(
        1, ev.UPDATED, NOW, "staff:tomas", True, {"eta": date(2026, 12, 4).isoformat()}
    )
    assert event.payload_as(Updated).eta == "2026-12-04"
    with pytest.raises(TypeError):
        event.payload_as(Replied)
    assert isinstance(event.payload, Payload)
