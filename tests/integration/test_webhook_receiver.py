"""Webhooks out against a real HTTP receiver on loopback: the urllib3 poster, the delivery log
on the table (emulator), GitHub-style signature verification on the receiving side, retries,
redirects not followed, timeouts and refused connections."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.adapters.deliveries import DynamoDeliveryLog
from services.adapters.http import PostFailed, Urllib3Poster
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.webhooks_out import (
    DELIVERED,
    FAILED_PERMANENTLY,
    RETRYING,
    DeliveryFailed,
    WebhookDeps,
    deliver_event,
)
from services.domain.integrations import Subscription
from tests.conftest import valid_ticket

# Real HTTP receivers, and waits out the delivery back-off.
pytestmark = pytest.mark.slow

SECRET = "receiver-shared-secret"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the slow answer finds the poster gone: expected


class Receiver:
    """Records every request; answers the first ones from `script` (a status, or "slow"),
    then 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[int | str] = []
        self.location = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                answer = receiver.script.pop(0) if receiver.script else 200
                if answer == "slow":
                    time.sleep(1.5)
                    answer = 200
                self.send_response(int(answer))
                if 300 <= int(answer) < 400:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def verified(self, request: dict, secret: str = SECRET) -> bool:
        """A receiver's check, as GitHub's documentation shows it (our header's name)."""
        expected = (
            "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
        )
        return hmac.compare_digest(expected, request["headers"]["X-RTFlow-Signature-256"])


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def webhook_deps(container, *subs: Subscription, timeout: float = 5.0) -> WebhookDeps:
    return WebhookDeps(
        tickets=container.tickets,
        log=DynamoDeliveryLog(container.models, container.clock),
        poster=Urllib3Poster(),
        flow=container.flow.model_copy(update={"subscriptions": subs}),
        clock=container.clock,
        base_url=container.settings.base_url,
        secret=lambda name: SECRET,
        timeout=timeout,
    )


def filed_event(container):
    filed = file_ticket(
        valid_ticket(),
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    )
    [event] = container.tickets.history(filed.ticket.number)
    return event


def test_the_receiver_verifies_the_signature_of_the_exact_body(container, receiver):
    event = filed_event(container)
    deps = webhook_deps(container, Subscription(name="ops", url=f"{receiver.url}/hook"))
    [outcome] = deliver_event(event, deps)
    assert (outcome.state, outcome.status) == (DELIVERED, 200)

    [request] = receiver.requests
    assert request["path"] == "/hook"
    assert receiver.verified(request)
    assert not receiver.verified(request, "a wrong secret")
    headers = request["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "RTFlow-Hookshot/1"
    assert headers["X-RTFlow-Event"] == "ticket.filed"
    assert headers["X-RTFlow-Delivery"] == outcome.delivery_id
    body = json.loads(request["body"])
    assert body["ticket"]["number"] == event.ticket
    assert body["ticket"]["url"] == f"http://rt.example.org/staff/tickets/{event.ticket}"


def test_a_failing_receiver_gets_the_same_delivery_until_it_takes_it(container, receiver):
    event = filed_event(container)
    receiver.script = [503, 502]
    deps = webhook_deps(container, Subscription(name="ops", url=receiver.url))
    for _ in range(2):  # the queue redelivers the event after each failure
        with pytest.raises(DeliveryFailed):
            deliver_event(event, deps)
        container.clock.advance(seconds=30)
    deliver_event(event, deps)
    deliver_event(event, deps)  # a late redelivery: nothing is posted again

    assert len(receiver.requests) == 3
    assert len({r["headers"]["X-RTFlow-Delivery"] for r in receiver.requests}) == 1
    assert all(receiver.verified(r) for r in receiver.requests)
    [row] = deps.log.for_ticket(event.ticket)
    assert (row.state, row.attempts, row.last_status) == (DELIVERED, 3, 200)


def test_a_redirect_is_not_followed_and_not_retried(container, receiver):
    event = filed_event(container)
    receiver.script = [302]
    receiver.location = "http://elsewhere.example.net/steal"
    deps = webhook_deps(container, Subscription(name="ops", url=receiver.url))
    [outcome] = deliver_event(event, deps)
    assert (outcome.state, outcome.status) == (FAILED_PERMANENTLY, 302)
    assert len(receiver.requests) == 1
    assert "redirects are not followed" in deps.log.for_ticket(event.ticket)[0].last_error


def test_a_refusal_is_permanent_while_a_slow_receiver_is_retried(container, receiver):
    event = filed_event(container)
    receiver.script = [403]
    refused = webhook_deps(container, Subscription(name="ops", url=receiver.url))
    assert deliver_event(event, refused)[0].state == FAILED_PERMANENTLY

    receiver.script = ["slow"]
    slow = webhook_deps(container, Subscription(name="slow", url=receiver.url), timeout=0.5)
    with pytest.raises(DeliveryFailed):  # the receiver would have said 200, too late
        deliver_event(event, slow)
    row = next(r for r in slow.log.for_ticket(event.ticket) if r.subscription == "slow")
    assert (row.state, row.last_status) == (RETRYING, None)
    assert "within 0.5 s" in row.last_error


def test_no_answer_at_all_raises_without_the_urls_path():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(PostFailed) as failed:
        Urllib3Poster().post(f"http://127.0.0.1:{port}/T0/B0/secret", b"{}", {}, 1.0)
    assert "127.0.0.1" in str(failed.value)
    assert "secret" not in str(failed.value)


# -- the queue handler on the emulator's SQS ------------------------------------------------


def _receive(sqs, url: str) -> list[dict]:
    return sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageSystemAttributeNames=["All"]
    ).get("Messages", [])


def _record(message: dict, arn: str) -> dict:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": "us-east-1",
    }


def test_the_handler_backs_off_on_the_queue_then_delivers(aws, container, receiver, monkeypatch):
    from services.adapters.bootstrap import build
    from services.adapters.settings import Settings
    from services.notify import webhook_handler

    event = filed_event(container)
    settings = Settings(
        table_name=aws["TicketsTableName"],
        webhooks_queue_url=aws["WebhooksQueueUrl"],
        webhook_backoff_seconds=1,
        secret_key="test-secret-" * 4,
        base_url="http://rt.example.org",
    )
    subs = (Subscription(name="ops", url=receiver.url),)
    c = build(
        settings,
        flow=container.flow.model_copy(update={"subscriptions": subs}),
        clock=container.clock,
        deliveries=DynamoDeliveryLog(container.models, container.clock),
    )
    monkeypatch.setattr("services.adapters.bootstrap.container", lambda: c)
    url, arn = aws["WebhooksQueueUrl"], aws["WebhooksQueueArn"]
    c.sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event.to_message()))
    receiver.script = [503]

    [message] = _receive(c.sqs, url)
    answer = webhook_handler.handler({"Records": [_record(message, arn)]}, None)
    assert answer == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    assert _receive(c.sqs, url) == []  # invisible for the backoff (1 s on the first failure)

    deadline = time.monotonic() + 10
    while not (again := _receive(c.sqs, url)) and time.monotonic() < deadline:
        time.sleep(0.2)
    [message] = again
    assert message["Attributes"]["ApproximateReceiveCount"] == "2"
    answer = webhook_handler.handler({"Records": [_record(message, arn)]}, None)
    assert answer == {"batchItemFailures": []}
    assert [r["headers"]["X-RTFlow-Delivery"] for r in receiver.requests] == [
        receiver.requests[0]["headers"]["X-RTFlow-Delivery"]
    ] * 2
    [row] = c.deliveries.for_ticket(event.ticket)
    assert (row.state, row.attempts) == ("delivered", 2)
