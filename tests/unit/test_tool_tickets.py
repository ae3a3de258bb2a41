"""Tickets from tools: types of their own, complete as the tool sends them, never waiting on
a "requester" that is a tool, routed by the tool's labels."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.adapters.flow_file import load_flow
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.inbound import InboundDeps, apply
from services.application.timers import SchedulerDeps, run_due
from services.application.triage import TriageDeps, handle_event
from services.domain import events as ev
from services.domain import timers
from services.domain.actors import Actor
from services.domain.errors import ConfigError, ValidationFailed
from services.domain.inbound import Alert, Inbound
from services.domain.lifecycle import Status
from tests.conftest import valid_ticket
from tests.fakes import FakeInbox, FakeTicketRepository

TOOL = {"name": "Alertmanager (via hook)", "email": "techops@example.org"}


@pytest.fixture
def deps(flow, clock):
    inbox = FakeInbox()
    return InboundDeps(FakeTicketRepository(inbox), inbox, flow, clock, "s" * 40)


def alert(delivery: str, requirements: str = "1 alert firing:\n- DiskFull on db1", **kw):
    draft = {"type": "alert", "title": "Disk full on db1", "requirements": requirements}
    return Inbound(
        source="alertmanager",
        delivery=delivery,
        action="open",
        thread='alertmanager[http://am]:{}:{alertname="DiskFull"}',
        author="Alertmanager",
        draft=draft | {"requester": TOOL},
        **kw,
    )


def triaged(deps, number: int = 1):
    [filed] = [e for e in deps.tickets.history(number) if e.kind == ev.TICKET_FILED]
    handle_event(filed, TriageDeps(deps.tickets, deps.flow, deps.clock))
    return deps.tickets.get(number)


def test_an_alert_with_little_text_is_triaged_not_sent_to_its_tool_for_more(deps):
    apply(alert("a1", requirements="db1 full"), deps)  # shorter than a person must write
    ticket = triaged(deps)
    assert ticket.status in (Status.TRIAGED, Status.ASSIGNED)
    assert ev.INFO_REQUESTED not in [e.kind for e in deps.tickets.history(1)]


def test_its_labels_name_its_skills_and_the_routing_says_so(deps):
    apply(alert("a1", labels={"service": ["mariadb"], "severity": ["critical"]}), deps)
    ticket = triaged(deps)
    assert (ticket.skills, ticket.owner) == (["mysql"], "priya")  # mariadb is a mysql word
    routing = deps.tickets.history(1)[-1].data["routing"]
    assert "“service=mariadb” (mysql)" in routing


def test_without_a_label_naming_a_skill_its_text_decides(deps):
    apply(alert("a1", labels={"team": ["blue"]}), deps)
    assert "storage" in triaged(deps).skills  # "disk" in its text


def test_asked_by_hand_it_is_never_nudged_nor_closed_for_want_of_an_answer(deps, flow, clock):
    apply(alert("a1"), deps)
    ticket = deps.tickets.get(1)
    mira = Actor.staff(flow.member("mira"))
    deps.tickets.save(
        ticket, ticket.ask_for_info(now=clock.now(), actor=mira, fields=["title"], message="?")
    )
    run_due(SchedulerDeps(deps.tickets, flow, clock), clock.now() + timedelta(days=60))
    ticket = deps.tickets.get(1)
    assert ticket.status is Status.NEEDS_INFO  # a person answers, not the tool
    assert not [t for t in ticket.timers if t.startswith(("nudge:", "auto-close:"))]
    kinds = [e.kind for e in deps.tickets.history(1)]
    assert ev.NUDGED not in kinds and ev.CLOSED not in kinds
    assert timers.plan(ticket, deps.tickets.history(1), flow, clock.now()) == {}


def test_closed_for_want_of_an_answer_it_reopens_for_work_when_it_fires_again(deps, clock):
    """A ticket closed "no answer from the requester" (as tools' tickets were) fires again:
    the tool never answers, so it goes back to the team, not back to waiting."""
    apply(alert("a1"), deps)
    ticket = deps.tickets.get(1)
    system = Actor.system("triage")
    deps.tickets.save(
        ticket, ticket.request_info(now=clock.now(), missing=["end_state"], actor=system)
    )
    deps.tickets.save(ticket, ticket.fire(timers.auto_close(ticket.status_since), now=clock.now()))
    assert deps.tickets.get(1).status is Status.CLOSED
    assert apply(alert("a2", alerts=(Alert(id="f1", name="DiskFull"),)), deps) == "applied to #1"
    ticket = deps.tickets.get(1)
    assert (ticket.status, ticket.missing) == (Status.TRIAGED, [])


def test_people_cannot_file_a_tools_type(flow, clock):
    with pytest.raises(ValidationFailed) as refused:
        file_ticket(
            valid_ticket(type="alert"),
            TicketDeps(FakeTicketRepository(), flow, clock, "s" * 40),
            source="api",
        )
    assert refused.value.errors == {
        "type": "Alert tickets are filed by tools; choose one of:"
        " general, access, hardware, database, incident-followup"
    }
    assert [t.name for t in flow.people_types] == [
        "general", "access", "hardware", "database", "incident-followup"
    ]  # fmt: skip


FLOW = """
team:
  name: Ops
  mail_list: ops@example.org
  members: [{id: ann, name: Ann, email: ann@example.org}]
ticket_types:
  - {name: general, label: General, required: [end_state]}
  - {name: alert, label: Alert, from_tools: true}
"""


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (
            "hooks: {alertmanager: {ticket_type: general}}",
            "hooks.alertmanager: ticket type 'general' asks its requester for what is missing,"
            " and the requester of these tickets is alertmanager itself; give the hook a type"
            " with `from_tools: true` (or a `requester` who answers)",
        ),
        (
            "email: {address: t@example.org, ticket_type: alert}",
            "email: ticket type 'alert' is filed by tools; mail comes from people",
        ),
        (
            "hooks: {alertmanager: {ticket_type: alert, on_resolved: delete}}",
            "hooks.alertmanager.on_resolved: Input should be 'note', 'resolve' or 'close'",
        ),
    ],
)
def test_the_config_says_what_a_tools_ticket_may_not_be(tmp_path, extra, named):
    path = tmp_path / "flow.yaml"
    path.write_text(FLOW + extra + "\n")
    with pytest.raises(ConfigError, match="is invalid") as e:
        load_flow(path)
    assert named in str(e.value)


@pytest.mark.parametrize(
    ("types", "named"),
    [
        (
            "  - {name: alert, label: Alert, from_tools: true, required: [end_state]}",
            "a type filed by tools (from_tools) requires nothing",
        ),
        (
            "  - {name: alert, label: Alert, skill_labels: [service]}",
            "skill_labels is for types filed by tools (from_tools: true)",
        ),
    ],
)
def test_a_tools_type_requires_nothing_and_only_it_reads_labels(tmp_path, types, named):
    path = tmp_path / "flow.yaml"
    path.write_text(FLOW.replace("  - {name: alert, label: Alert, from_tools: true}", types))
    with pytest.raises(ConfigError) as e:
        load_flow(path)
    assert named in str(e.value)


def test_a_hook_with_a_requester_who_answers_may_file_a_peoples_type(tmp_path):
    path = tmp_path / "flow.yaml"
    requester = "{name: On-call, email: oncall@example.org}"
    path.write_text(
        FLOW + f"hooks: {{grafana: {{ticket_type: general, requester: {requester}}}}}\n"
    )
    assert load_flow(path).hooks["grafana"].ticket_type == "general"
