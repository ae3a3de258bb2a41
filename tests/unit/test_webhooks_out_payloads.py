"""Webhooks out: what is sent: signed with the subscription's secret, the JSON and Slack
forms, and nothing of the requester's address or status token."""

from __future__ import annotations

from functools import partial

import pytest

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.webhooks_out import DELIVERED, deliver_event, delivery_id
from services.domain import events as ev
from services.domain.errors import Unauthorized
from services.domain.events import Event
from services.intake.hooks.auth import check_timestamped_signature
from tests.conftest import valid_ticket
from tests.unit.webhook_builders import (
    BASE_URL,
    CHAT,
    EMAIL,
    HOOKS,
    SECRET,
    deps,
    filed,
    sub,
    updated,
    verify,
)

# -- what is sent --------------------------------------------------------------------------


def test_an_event_is_posted_signed_with_the_subscriptions_secret(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("ops", HOOKS), secrets={"ops": "s3cr3t"})
    [outcome] = deliver_event(event, d)
    assert outcome.state == DELIVERED
    [request] = d.poster.requests
    assert verify("s3cr3t", request)
    assert not verify("another secret", request)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "RTFlow-Hookshot/1"
    assert request.headers["X-RTFlow-Event"] == "ticket.filed"
    assert request.headers["X-RTFlow-Delivery"] == delivery_id(event.id, "ops")
    assert request.timeout == pytest.approx(5)


def test_the_delivery_id_and_the_time_are_signed_too_as_our_generic_hook_checks(
    tickets, flow, clock
):
    d = deps(tickets, flow, clock, sub("ops", HOOKS), secrets={"ops": "s3cr3t"})
    [outcome] = deliver_event(filed(tickets, flow, clock), d)
    [request] = d.poster.requests
    header, delivery = request.headers["X-RTFlow-Signature"], request.headers["X-RTFlow-Delivery"]
    assert header.startswith(f"t={int(clock.now().timestamp())},v1=")
    check = partial(
        check_timestamped_signature,
        header_value=header,
        header="X-RTFlow-Signature",
        body=request.body,
        now=clock.now(),
        tolerance_seconds=300,
    )
    check("s3cr3t", delivery=delivery)
    with pytest.raises(Unauthorized):
        check("s3cr3t", delivery="another delivery")


def test_the_json_form_holds_the_event_and_a_summary_of_its_ticket(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("ops", HOOKS))
    deliver_event(event, d)
    body = d.poster.requests[0].json
    assert body["delivery"] == delivery_id(event.id, "ops")
    assert body["event"] == {
        "id": event.id,
        "kind": "ticket.filed",
        "at": event.at.isoformat(),
        "actor": "requester",
        "public": True,
        "summary": "Filed",
        "data": {"source": "api", "type": "general"},
    }
    assert body["ticket"] == {
        "number": event.ticket,
        "title": "Grant the analytics team a read replica",
        "type": "general",
        "status": "new",
        "owner": None,
        "requester": "Ana Souza",
        "private": False,
        "url": f"{BASE_URL}/staff/tickets/{event.ticket}",
    }


def test_no_payload_carries_the_requesters_address_or_the_status_token(tickets, flow, clock):
    result = file_ticket(
        valid_ticket(title=f"Mail {EMAIL} about it"),
        TicketDeps(tickets, flow, clock, SECRET),
        source="api",
    )
    number = result.ticket.number
    ack = Event(number, ev.TICKET_ACKNOWLEDGED, clock.now(), "system:notify", True,
                {"recipients": [EMAIL, "ops@example.org"]})  # fmt: skip
    reply = Event(number, ev.REPLIED, clock.now(), f"requester:{EMAIL}", True,
                  {"message": f"Write to {EMAIL.upper()} please"})  # fmt: skip
    d = deps(tickets, flow, clock, sub("ops", HOOKS), sub("chat", CHAT, format="slack"))
    for event in [tickets.history(number)[0], ack, reply]:
        deliver_event(event, d)
    assert len(d.poster.requests) == 6
    for request in d.poster.requests:
        text = request.body.decode().lower()
        assert EMAIL not in text
        assert result.token.lower() not in text
        assert "secret" not in text  # no signing secret, no chat URL (its path is its secret)


def test_the_slack_form_is_one_text_for_a_chat_room(tickets, flow, clock):
    event = filed(tickets, flow, clock, title="Fix <!channel> & co")
    d = deps(tickets, flow, clock, sub("chat", CHAT, format="slack"))
    deliver_event(event, d)
    [request] = d.poster.requests
    n = event.ticket
    assert request.json == {
        "text": f"[{flow.team.name} #{n}] Filed: Fix &lt;!channel&gt; &amp; co"
        f" — {BASE_URL}/staff/tickets/{n}"
    }
    assert verify("secret-of-chat", request)


def test_the_slack_form_of_an_update_adds_what_it_said(tickets, flow, clock):
    number = filed(tickets, flow, clock).ticket
    event = updated(clock, number, public=True, message="Replica is\nsyncing")
    d = deps(tickets, flow, clock, sub("chat", CHAT, format="slack"))
    deliver_event(event, d)
    text = d.poster.requests[0].json["text"]
    first, second = text.split("\n")
    assert first.startswith(f"[{flow.team.name} #{number}] Update: ")
    assert second == "> Replica is syncing · ETA 2026-12-04"


def test_an_actor_from_staff_is_kept_and_a_requester_is_anonymous(tickets, flow, clock):
    number = filed(tickets, flow, clock).ticket
    note = updated(clock, number, public=True, message="on it")
    d = deps(tickets, flow, clock, sub("ops", HOOKS))
    deliver_event(note, d)
    assert d.poster.requests[0].json["event"]["actor"] == "staff:mira"
