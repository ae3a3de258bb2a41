"""The console's log of webhooks out (emulator): the recent deliveries page, behind sign-in,
and the "Webhook deliveries" section of a ticket's page, with every text escaped."""

from __future__ import annotations

import html

import pytest

from services.adapters.deliveries import DynamoDeliveryLog
from services.application.webhooks_out import (
    DELIVERED,
    FAILED_PERMANENTLY,
    RETRYING,
    Attempt,
    delivery_id,
)
from services.domain.integrations import Subscription
from services.intake.app import create_app
from tests.integration.console_helpers import file, section

SUBSCRIPTIONS = (
    Subscription(name="ops", url="https://hooks.example.net/rtflow"),
    Subscription(
        name="chat",
        url="https://chat.example.net/hooks/T000/B000/secretpart",
        format="slack",
        events=("ticket.filed", "sla.breached"),
        public_only=False,
    ),
)


@pytest.fixture
def log(container):
    log = DynamoDeliveryLog(container.models, container.clock)
    # What Container.deliveries builds (bootstrap); set as build(..., deliveries=...) does.
    container.__dict__["deliveries"] = log
    container.__dict__["flow"] = container.flow.model_copy(update={"subscriptions": SUBSCRIPTIONS})
    return log


@pytest.fixture
def app(container, log):
    """The app, built once the delivery log and the subscriptions are in place."""
    return create_app(container)


def record(log, clock, ticket, sub, state, status, error="", event="ev1", kind="ticket.filed"):
    log.record(
        Attempt(
            delivery_id=delivery_id(f"{event}-{ticket}", sub),
            subscription=sub,
            ticket=ticket,
            event_id=f"{event}-{ticket}",
            event_kind=kind,
            at=clock.now(),
            state=state,
            status=status,
            error=error,
        )
    )


def test_the_deliveries_page_needs_a_staff_sign_in(client):
    response = client.get("/staff/deliveries")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/staff/login?next=/staff/deliveries")


def test_recent_deliveries_newest_first_with_their_outcome(mira, container, log, clock):
    first = file(container, triaged=False)
    second = file(container, triaged=False)
    record(log, clock, first, "ops", DELIVERED, 200)
    clock.advance(minutes=1)
    record(log, clock, second, "chat", RETRYING, 503, "HTTP 503")
    clock.advance(minutes=1)
    record(log, clock, second, "ops", FAILED_PERMANENTLY, 410, "HTTP 410", kind="ticket.triaged")

    page = mira.get("/staff/deliveries")
    assert page.status_code == 200
    text = page.text
    recent = section(text, "recent-title")
    rows = recent.split("<tr")[2:]  # after the header row
    assert len(rows) == 3
    assert "ticket.triaged" in rows[0] and "Refused: not retried" in rows[0]
    assert "HTTP 410" in rows[0]
    assert "Failed, will be retried" in rows[1] and "HTTP 503" in rows[1]
    assert "Delivered" in rows[2] and "HTTP 200" in rows[2]
    assert f'href="/staff/tickets/{first}">#{first}</a>' in rows[2]
    assert '<th scope="col">Subscription</th>' in recent
    # The nav marks the page; the subscriptions show their host, never the URL's path.
    assert 'href="/staff/deliveries" aria-current="page"' in text
    subs = section(text, "subscriptions-title")
    assert "chat.example.net" in subs and "secretpart" not in text
    assert "ticket.filed, sla.breached" in subs


def test_a_receivers_words_are_escaped(mira, container, log, clock):
    n = file(container, triaged=False)
    record(log, clock, n, "ops", RETRYING, None, "PostFailed: <script>alert(1)</script>")
    for path in ("/staff/deliveries", f"/staff/tickets/{n}"):
        text = mira.get(path).text
        assert "<script>alert(1)</script>" not in text
        assert html.escape("<script>alert(1)</script>") in text


def test_a_ticket_page_shows_its_deliveries_only_when_it_has_some(mira, container, log, clock):
    quiet = file(container, triaged=False)
    busy = file(container, triaged=False)
    record(log, clock, busy, "ops", DELIVERED, 204)
    clock.advance(minutes=1)
    record(log, clock, busy, "chat", FAILED_PERMANENTLY, 404, "HTTP 404")

    assert "Webhook deliveries" not in mira.get(f"/staff/tickets/{quiet}").text
    part = section(mira.get(f"/staff/tickets/{busy}").text, "deliveries-title")
    assert '<h2 id="deliveries-title">Webhook deliveries</h2>' in part
    rows = part.split("<tr")[2:]
    assert [("chat" in r, "ops" in r) for r in rows] == [(True, False), (False, True)]
    assert "no: refused, not retried" in rows[0]
    assert "yes" in rows[1] and "HTTP 204" in rows[1]
