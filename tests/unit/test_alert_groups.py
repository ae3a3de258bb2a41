"""An alert group's notifications, parsed as Alertmanager sends them and applied: one ticket
per group of each Alertmanager, a repeat that says nothing new settled quietly, the alerts
that join or stop named, firing again after the ticket was finished, and what resolved
does (note, resolve or close)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from services.application.inbound import InboundDeps, apply
from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.lifecycle import Status
from services.intake.hooks import alertmanager
from tests.fakes import FakeInbox, FakeTicketRepository
from tests.fixtures.webhooks import bearer, body_of, hook_request, load, with_hooks

SECRET = "alert-secret"
T0 = datetime(2026, 11, 27, 15, 10, tzinfo=UTC)
PROD, STAGING = "http://am.prod.example.org:9093", "http://am.staging.example.org:9093"


def world(flow, clock, **hook):
    hook_flow = with_hooks(flow, {"alertmanager": {"ticket_type": "alert", **hook}})
    inbox = FakeInbox()
    return InboundDeps(FakeTicketRepository(inbox), inbox, hook_flow, clock, "s" * 40)


def notification(*instances: str, status="firing", url=PROD, resolved=()) -> dict:
    """The fixture's group, with one alert per instance (fingerprinted by it)."""
    data = load("alertmanager.firing.json")
    template = data["alerts"][0]
    data["alerts"] = []
    for instance in instances:
        one = copy.deepcopy(template)
        one["labels"]["instance"] = instance
        one["fingerprint"] = f"fp-{instance}"
        if instance in resolved or status == "resolved":
            one |= {"status": "resolved", "endsAt": "2026-11-27T16:00:00Z"}
        data["alerts"].append(one)
    data["commonLabels"] = {"alertname": "DiskFull", "job": "node", "severity": "critical"}
    return data | {"status": status, "externalURL": url}


def send(deps, data: dict, at: datetime = T0) -> str:
    req = hook_request("alertmanager", deps.flow, body_of(data), bearer(SECRET), received_at=at)
    alertmanager.authenticate(req, SECRET)
    m = alertmanager.parse(req)
    if not deps.inbox.record(m):
        return "duplicate"
    return apply(m, deps)


def history(deps, number=1):
    return deps.tickets.history(number)


def test_two_alertmanagers_with_the_same_routes_file_a_ticket_each(flow, clock):
    deps = world(flow, clock)
    assert send(deps, notification("db1:9100", url=PROD)) == "filed #1"
    assert send(deps, notification("db1:9100", url=STAGING)) == "filed #2"
    assert send(deps, notification("db1:9100", status="resolved", url=STAGING)) == "applied to #2"
    assert deps.tickets.get(1).status is Status.NEW  # production's still fires


def test_a_ticket_keyed_before_threads_named_the_instance_is_found_and_adopted(flow, clock):
    deps = world(flow, clock)
    old = 'alertmanager:{}:{alertname="DiskFull"}'  # how threads were keyed before
    send(deps, notification("db1:9100"))
    deps.inbox.links = {old: 1}  # as an older version linked it
    assert send(deps, notification("db1:9100", "db2:9100"), T0 + timedelta(minutes=5)) == (
        "applied to #1"
    )
    assert deps.inbox.links[f'alertmanager[{PROD}]:{{}}:{{alertname="DiskFull"}}'] == 1
    assert history(deps)[-1].data["thread"].startswith(f"alertmanager[{PROD}]")
    # Staging shared the old key: production adopted the ticket, staging files its own.
    assert send(deps, notification("db1:9100", url=STAGING)) == "filed #2"


def test_a_repeat_that_changes_nothing_is_settled_without_a_word(flow, clock):
    deps = world(flow, clock)
    send(deps, notification("db1:9100"))
    assert send(deps, notification("db1:9100"), T0 + timedelta(seconds=20)) == "duplicate"  # retry
    repeat = send(deps, notification("db1:9100"), T0 + timedelta(hours=4))  # repeat_interval
    assert repeat == "ignored: a repeat: the same alerts still fire"
    assert [e.kind for e in history(deps)] == [ev.TICKET_FILED]


def test_an_alert_joining_the_group_is_named(flow, clock):
    deps = world(flow, clock)
    send(deps, notification("db1:9100"))
    send(deps, notification("db1:9100", "db2:9100"), T0 + timedelta(minutes=5))
    joined = history(deps)[-1]
    assert (joined.kind, joined.actor) == (ev.COMMENTED, "source:alertmanager")
    assert joined.data["message"] == (
        "In Alertmanager: 1 alert joined; 2 firing now.\nJoined: DiskFull (instance=db2:9100,"
        " job=node, severity=critical)"
    )
    assert joined.data["joined"] == ["DiskFull (instance=db2:9100, job=node, severity=critical)"]
    # One of them stops while the other fires: named too.
    send(
        deps,
        notification("db1:9100", "db2:9100", resolved={"db1:9100"}),
        T0 + timedelta(minutes=10),
    )
    stopped = history(deps)[-1].data
    assert stopped["stopped"] == ["DiskFull (instance=db1:9100, job=node, severity=critical)"]
    assert stopped["message"].startswith("In Alertmanager: 1 alert stopped firing; 1 firing now.")


def test_resolved_then_firing_again_reopens_the_ticket(flow, clock):
    deps = world(flow, clock, on_resolved="resolve")
    send(deps, notification("db1:9100"))
    send(deps, notification("db1:9100", status="resolved"), T0 + timedelta(minutes=5))
    resolved = history(deps)[-1]
    assert (resolved.kind, resolved.data["to"]) == (ev.RESOLVED_AT_SOURCE, "resolved")
    assert resolved.data["message"].startswith("1 alert resolved:")
    assert send(deps, notification("db1:9100"), T0 + timedelta(hours=1)) == "applied to #1"
    reopened = history(deps)[-1]
    assert (reopened.kind, deps.tickets.get(1).status) == (ev.REOPENED, Status.TRIAGED)
    assert reopened.data["reason"] == (
        "fired again in Alertmanager: DiskFull (instance=db1:9100, job=node, severity=critical)"
    )


def test_a_repeat_after_a_person_closed_the_ticket_reopens_it(flow, clock):
    """Still firing: the same body hours later is no duplicate of the first."""
    deps = world(flow, clock)
    send(deps, notification("db1:9100"))
    ticket = deps.tickets.get(1)
    mira = Actor.staff(flow.member("mira"))
    deps.tickets.save(ticket, ticket.reject(now=clock.now(), actor=mira, reason="just noise"))
    assert send(deps, notification("db1:9100"), T0 + timedelta(hours=4)) == "applied to #1"
    assert deps.tickets.get(1).status is Status.TRIAGED


def test_firing_again_files_a_new_ticket_when_the_hook_says_so(flow, clock):
    deps = world(flow, clock, on_resolved="close", fired_again="file")
    send(deps, notification("db1:9100"))
    send(deps, notification("db1:9100", status="resolved"), T0 + timedelta(minutes=5))
    assert deps.tickets.get(1).status is Status.CLOSED
    assert send(deps, notification("db1:9100"), T0 + timedelta(hours=1)) == "filed #2"
    assert history(deps, 2)[0].data["follows"] == 1
    assert send(deps, notification("db1:9100", "db2:9100"), T0 + timedelta(hours=2)) == (
        "applied to #2"  # the thread follows the new ticket
    )


@pytest.mark.parametrize(
    ("mode", "kind", "status"),
    [
        ("note", ev.COMMENTED, Status.NEW),
        ("resolve", ev.RESOLVED_AT_SOURCE, Status.RESOLVED),
        ("close", ev.WITHDRAWN, Status.CLOSED),
    ],
)
def test_resolved_notes_resolves_or_closes_as_the_hook_says(flow, clock, mode, kind, status):
    deps = world(flow, clock, on_resolved=mode)
    send(deps, notification("db1:9100"))
    send(deps, notification("db1:9100", status="resolved"), T0 + timedelta(minutes=5))
    last = history(deps)[-1]
    assert (last.kind, deps.tickets.get(1).status) == (kind, status)
    assert (last.data["resolved"], last.data["firing"]) == (True, {})
