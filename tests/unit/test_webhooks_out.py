"""Webhooks out: each event is POSTed, signed, to the subscriptions that want it; once per
subscription however often the event comes; a failing receiver is retried without holding up
the others. Fakes stand in for the table, the log and the network."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from services.application import webhooks_out
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.webhooks_out import (
    DEAD_LETTERED,
    DELIVERED,
    FAILED_PERMANENTLY,
    RETRYING,
    Attempt,
    DeliveryFailed,
    WebhookDeps,
    classify,
    deliver_event,
    delivery_id,
)
from services.domain import events as ev
from services.domain.events import Event
from services.domain.integrations import Subscription
from services.notify import webhook_handler
from tests.conftest import valid_ticket
from tests.fakes import FakeTicketRepository

ROOT = Path(__file__).resolve().parents[2]
SECRET = "x" * 48
BASE_URL = "http://rt.example.org"
EMAIL = "ana@example.org"


# -- fakes ---------------------------------------------------------------------------------


@dataclass
class Row:
    id: str
    subscription: str
    ticket: int
    event_id: str
    event_kind: str
    state: str
    attempts: int
    last_status: int | None
    last_error: str
    first_at: datetime
    updated_at: datetime
    delivered_at: datetime | None


class FakeDeliveryLog:
    def __init__(self):
        self.rows: dict[str, Row] = {}
        self.attempts: list[Attempt] = []

    def record(self, a: Attempt) -> None:
        self.attempts.append(a)
        row = self.rows.get(a.delivery_id)
        if row is None:
            row = self.rows[a.delivery_id] = Row(
                a.delivery_id, a.subscription, a.ticket, a.event_id, a.event_kind, a.state, 0,
                None, "", a.at, a.at, None,
            )  # fmt: skip
        if row.state == DELIVERED and a.state != DELIVERED:
            return
        row.state, row.last_status, row.last_error = a.state, a.status, a.error
        row.attempts += 1
        row.updated_at = a.at
        if a.state == DELIVERED:
            row.delivered_at = a.at

    def state(self, ticket: int, delivery_id: str) -> str | None:
        row = self.rows.get(delivery_id)
        return row.state if row else None

    def was_delivered(self, ticket: int, delivery_id: str) -> bool:
        return self.state(ticket, delivery_id) == DELIVERED

    def recent(self, limit: int = 50) -> list[Row]:
        return sorted(self.rows.values(), key=lambda r: r.first_at, reverse=True)[:limit]

    def for_ticket(self, ticket: int) -> list[Row]:
        return [r for r in self.recent(10_000) if r.ticket == ticket]


@dataclass
class Request:
    url: str
    body: bytes
    headers: dict[str, str]
    timeout: float

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class FakePoster:
    """Answers each URL with its scripted statuses in turn (then 200); an exception in the
    script is raised, as a connection error would be."""

    def __init__(self, script: dict[str, list[int | Exception]] | None = None):
        self.script = {u: list(s) for u, s in (script or {}).items()}
        self.requests: list[Request] = []

    def post(self, url, body, headers, timeout) -> int:
        self.requests.append(Request(url, body, dict(headers), timeout))
        answers = self.script.get(url) or [200]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def to(self, url: str) -> list[Request]:
        return [r for r in self.requests if r.url == url]


# -- set-up --------------------------------------------------------------------------------

HOOKS = "https://hooks.example.net/rtflow"
CHAT = "https://chat.example.net/hooks/T000/B000/secretpart"
AUDIT = "https://audit.example.net/in"


def sub(name: str, url: str, **kw) -> Subscription:
    return Subscription(name=name, url=url, **kw)


@pytest.fixture
def tickets():
    return FakeTicketRepository()


def deps(tickets, flow, clock, *subs, poster=None, log=None, secrets=None) -> WebhookDeps:
    secrets = secrets or {}
    return WebhookDeps(
        tickets=tickets,
        log=log or FakeDeliveryLog(),
        poster=poster or FakePoster(),
        flow=flow.model_copy(update={"subscriptions": tuple(subs)}),
        clock=clock,
        base_url=BASE_URL,
        secret=lambda name: secrets.get(name, f"secret-of-{name}"),
    )


def filed(tickets, flow, clock, **overrides) -> Event:
    result = file_ticket(
        valid_ticket(**overrides),
        TicketDeps(tickets, flow, clock, SECRET),
        source="api",
    )
    [event] = tickets.history(result.ticket.number)
    return event


def updated(clock, number: int, *, public: bool, message: str) -> Event:
    return Event(
        ticket=number,
        kind=ev.UPDATED,
        at=clock.now(),
        actor="staff:mira",
        public=public,
        data={"message": message, "eta": "2026-12-04"},
    )


def verify(secret: str, request: Request) -> bool:
    """What a receiver does: GitHub's verification, with our header's name."""
    expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers["X-RTFlow-Signature-256"])


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


# -- who gets what -------------------------------------------------------------------------


def test_public_only_subscriptions_hear_nothing_internal_or_private(tickets, flow, clock):
    public_ticket = filed(tickets, flow, clock).ticket
    private_event = filed(tickets, flow, clock, private=True)
    note = updated(clock, public_ticket, public=False, message="internal note")
    d = deps(
        tickets,
        flow,
        clock,
        sub("public", HOOKS),  # public_only by default
        sub("team", AUDIT, public_only=False),
    )
    deliver_event(note, d)
    deliver_event(private_event, d)
    assert d.poster.to(HOOKS) == []
    assert [r.json["event"]["kind"] for r in d.poster.to(AUDIT)] == [
        "ticket.updated",
        "ticket.filed",
    ]
    assert d.poster.to(AUDIT)[1].json["ticket"]["private"] is True


def test_a_subscription_gets_only_the_kinds_it_names(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("sla", HOOKS, events=("sla.breached",)))
    assert deliver_event(event, d) == []
    assert d.poster.requests == []


def test_with_no_subscriber_the_ticket_is_not_even_read(flow, clock):
    class Untouchable(FakeTicketRepository):
        def get(self, number):
            raise AssertionError("read for nothing")

    event = Event(1, ev.UPDATED, clock.now(), "staff:mira", False, {"message": "x"})
    d = deps(Untouchable(), flow, clock, sub("public", HOOKS))
    assert deliver_event(event, d) == []


# -- once, and retries ---------------------------------------------------------------------


def test_the_delivery_id_is_stable_and_differs_per_subscription():
    assert delivery_id("ev1", "ops") == delivery_id("ev1", "ops")
    assert delivery_id("ev1", "ops") != delivery_id("ev1", "chat")
    assert delivery_id("ev1", "ops") != delivery_id("ev2", "ops")


def test_a_redelivered_event_posts_nothing_twice(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("ops", HOOKS), sub("chat", CHAT, format="slack"))
    deliver_event(event, d)
    again = deliver_event(Event.from_message(event.to_message()), d)
    assert [o.state for o in again] == ["skipped", "skipped"]
    assert len(d.poster.requests) == 2
    assert [r.attempts for r in d.log.for_ticket(event.ticket)] == [1, 1]


def test_one_failing_subscription_does_not_stop_the_others(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    poster = FakePoster({HOOKS: [503, 200], CHAT: [ConnectionRefusedError("refused")]})
    subs = (sub("ops", HOOKS), sub("chat", CHAT, format="slack"), sub("audit", AUDIT))
    d = deps(tickets, flow, clock, *subs, poster=poster)

    with pytest.raises(DeliveryFailed) as failed:
        deliver_event(event, d)
    assert failed.value.failed == ("ops", "chat")
    assert len(poster.to(AUDIT)) == 1  # tried after the two failures, and delivered
    states = {r.subscription: r.state for r in d.log.for_ticket(event.ticket)}
    assert states == {"ops": RETRYING, "chat": RETRYING, "audit": DELIVERED}

    # The queue redelivers: the failed ones are tried again, with the same delivery id.
    clock.advance(seconds=30)
    with pytest.raises(DeliveryFailed) as failed:
        deliver_event(event, d)
    assert failed.value.failed == ("chat",)
    assert len(poster.to(AUDIT)) == 1
    first, second = poster.to(HOOKS)
    assert first.headers["X-RTFlow-Delivery"] == second.headers["X-RTFlow-Delivery"]
    rows = {r.subscription: r for r in d.log.for_ticket(event.ticket)}
    assert (rows["ops"].state, rows["ops"].attempts, rows["ops"].last_status) == (
        DELIVERED,
        2,
        200,
    )
    assert rows["chat"].last_status is None
    assert "ConnectionRefusedError" in rows["chat"].last_error


def test_a_4xx_is_a_permanent_failure_logged_and_never_retried(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    poster = FakePoster({HOOKS: [410]})
    d = deps(tickets, flow, clock, sub("ops", HOOKS), poster=poster)
    [outcome] = deliver_event(event, d)  # nothing to retry: no DeliveryFailed
    assert (outcome.state, outcome.status) == (FAILED_PERMANENTLY, 410)
    assert deliver_event(event, d)[0].state == "skipped"
    assert len(poster.requests) == 1
    [row] = d.log.for_ticket(event.ticket)
    assert (row.state, row.last_error) == (FAILED_PERMANENTLY, "HTTP 410")


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (200, DELIVERED),
        (204, DELIVERED),
        (301, FAILED_PERMANENTLY),  # redirects are not followed
        (400, FAILED_PERMANENTLY),
        (401, FAILED_PERMANENTLY),
        (404, FAILED_PERMANENTLY),
        (408, RETRYING),
        (429, RETRYING),
        (500, RETRYING),
        (503, RETRYING),
    ],
)
def test_what_an_answer_means(status, state):
    assert classify(status) == state


def test_the_queues_last_try_logs_failures_as_dead_lettered(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("ops", HOOKS), poster=FakePoster({HOOKS: [TimeoutError()]}))
    with pytest.raises(DeliveryFailed):
        deliver_event(event, d, last_try=True)
    [row] = d.log.for_ticket(event.ticket)
    assert row.state == DEAD_LETTERED


def test_an_error_never_shows_the_urls_secret_path(tickets, flow, clock):
    event = filed(tickets, flow, clock)
    error = OSError(f"cannot reach {CHAT}")
    d = deps(tickets, flow, clock, sub("chat", CHAT, format="slack"),
             poster=FakePoster({CHAT: [error]}))  # fmt: skip
    with pytest.raises(DeliveryFailed):
        deliver_event(event, d)
    [row] = d.log.for_ticket(event.ticket)
    assert "secretpart" not in row.last_error and "OSError" in row.last_error


def test_a_log_that_fails_makes_that_subscription_retry_only(tickets, flow, clock):
    class BrokenForOps(FakeDeliveryLog):
        def record(self, a):
            if a.subscription == "ops":
                raise RuntimeError("table unavailable")
            super().record(a)

    event = filed(tickets, flow, clock)
    d = deps(tickets, flow, clock, sub("ops", HOOKS), sub("audit", AUDIT), log=BrokenForOps())
    with pytest.raises(DeliveryFailed) as failed:
        deliver_event(event, d)
    assert failed.value.failed == ("ops",)
    assert d.log.was_delivered(event.ticket, delivery_id(event.id, "audit"))


# -- the queue handler ---------------------------------------------------------------------


def test_backoff_doubles_from_the_base_up_to_fifteen_minutes():
    assert [webhooks_out.backoff_seconds(n, 30) for n in range(1, 9)] == [
        30, 60, 120, 240, 480, 900, 900, 900,
    ]  # fmt: skip
    assert webhooks_out.backoff_seconds(1, 1) == 1


def test_the_handlers_last_try_is_the_queues_max_receive_count():
    text = (ROOT / "infra/resources/queues.yml").read_text()
    queues = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    policy = queues["Resources"]["WebhooksQueue"]["Properties"]["RedrivePolicy"]
    assert policy["maxReceiveCount"] == webhooks_out.MAX_RECEIVES


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Sub, !GetAtt, ...), read as plain values."""


def _cfn_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_CfnLoader.add_multi_constructor("!", _cfn_tag)


class FakeSqs:
    def __init__(self):
        self.visibility: list[tuple[str, int]] = []

    def change_message_visibility(self, QueueUrl, ReceiptHandle, VisibilityTimeout):  # noqa: N803
        self.visibility.append((ReceiptHandle, VisibilityTimeout))


def sqs_record(event: Event, receives: int, n: int = 0) -> dict:
    return {
        "messageId": f"m{n}",
        "receiptHandle": f"rh{n}",
        "body": json.dumps(event.to_message()),
        "attributes": {"ApproximateReceiveCount": str(receives)},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:t-webhooks",
        "awsRegion": "us-east-1",
    }


@pytest.fixture
def handler_world(tickets, flow, clock, monkeypatch):
    """The handler over fakes: its container and deps are replaced."""

    class Settings:
        webhooks_queue_url = "http://sqs/t-webhooks"
        webhook_backoff_seconds = 30

    world_deps = deps(
        tickets, flow, clock, sub("ops", HOOKS), poster=FakePoster({HOOKS: [500, 500, 200]})
    )

    class Container:
        settings = Settings()
        sqs = FakeSqs()
        flow = world_deps.flow

        @property
        def webhook_deps(self):
            return world["deps"]

    world = {"container": Container(), "deps": world_deps}
    monkeypatch.setattr("services.adapters.bootstrap.container", lambda: world["container"])
    return world


def test_a_failed_message_is_delayed_with_backoff_and_reported(handler_world, tickets, flow, clock):
    ok = filed(tickets, flow, clock, private=True)  # nobody wants it: done
    failing = filed(tickets, flow, clock)
    answer = webhook_handler.handler(
        {"Records": [sqs_record(ok, 1, 0), sqs_record(failing, 3, 1)]}, None
    )
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert handler_world["container"].sqs.visibility == [("rh1", 120)]


def test_every_message_failing_is_still_a_partial_answer(handler_world, tickets, flow, clock):
    failing = filed(tickets, flow, clock)
    answer = webhook_handler.handler({"Records": [sqs_record(failing, 1)]}, None)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert handler_world["container"].sqs.visibility == [("rh0", 30)]


def test_the_last_receive_sets_no_delay_and_logs_dead_lettered(handler_world, tickets, flow, clock):
    failing = filed(tickets, flow, clock)
    answer = webhook_handler.handler({"Records": [sqs_record(failing, 8)]}, None)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert handler_world["container"].sqs.visibility == []
    [row] = handler_world["deps"].log.for_ticket(failing.ticket)
    assert row.state == DEAD_LETTERED


def test_with_no_subscription_the_handler_builds_nothing(handler_world, tickets, flow, clock):
    handler_world["container"].flow = flow  # the example flow: no subscriptions
    handler_world["deps"] = None  # building them would fail the test
    event = filed(tickets, flow, clock)
    assert webhook_handler.handler({"Records": [sqs_record(event, 1)]}, None) == {
        "batchItemFailures": []
    }


# -- the dependency rule -------------------------------------------------------------------


def _imported_after(module: str, names: tuple[str, ...]) -> list[str]:
    code = f"import sys, {module}\nprint(' '.join(m for m in {names!r} if m in sys.modules))\n"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


@pytest.mark.slow  # a fresh interpreter
def test_the_logic_imports_no_aws_http_or_web_library():
    names = ("boto3", "botocore", "pynamodb", "urllib3", "flask", "services.adapters")
    assert _imported_after("services.application.webhooks_out", names) == []


@pytest.mark.slow  # a fresh interpreter
def test_importing_the_handler_builds_nothing_and_needs_no_web_framework():
    # botocore comes with Powertools' batch utility; clients are built on the first message.
    names = ("boto3", "pynamodb", "urllib3", "flask", "services.adapters", "services.intake")
    assert _imported_after("services.notify.webhook_handler", names) == []


def test_an_actor_from_staff_is_kept_and_a_requester_is_anonymous(tickets, flow, clock):
    number = filed(tickets, flow, clock).ticket
    note = updated(clock, number, public=True, message="on it")
    d = deps(tickets, flow, clock, sub("ops", HOOKS))
    deliver_event(note, d)
    assert d.poster.requests[0].json["event"]["actor"] == "staff:mira"
