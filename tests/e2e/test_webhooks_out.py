"""Webhooks out on the embedded stack: a receiver on loopback that fails twice gets each event
signed, with one delivery id across the retries, and the staff page shows the delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import yaml

from services.adapters.settings import PROJECT_ROOT

from .stack_process import RunningStack, clean_env, free_port, start_stack
from .staff_api import parse_staff_tokens
from .support import Page, eventually, ticket_body

pytestmark = pytest.mark.e2e

SECRET = "receiver-secret-" * 3


class Receiver(ThreadingHTTPServer):
    """Records every POST; answers 503 to the first `failures` of them."""

    def __init__(self, failures: int):
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes, int]] = []
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler):  # noqa: N802, N805 - http.server's names
                body = handler.rfile.read(int(handler.headers["Content-Length"]))
                with self.lock:
                    status = 503 if len(self.received) < self.failures else 204
                    self.received.append((dict(handler.headers), body, status))
                handler.send_response(status)
                handler.end_headers()

            def log_message(handler, *args):  # quiet
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/events"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver(failures=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def stack(receiver, tmp_path_factory) -> Iterator[RunningStack]:
    flow = yaml.safe_load((PROJECT_ROOT / "infra" / "flow.example.yaml").read_text())
    flow["subscriptions"] = [
        {
            "name": "ops-tools",
            "url": receiver.url,
            "events": ["ticket.filed"],
            "secret_env": "E2E_SUBSCRIPTION_SECRET",
        }
    ]
    path = tmp_path_factory.mktemp("flow") / "flow.yaml"
    path.write_text(yaml.safe_dump(flow))
    port = free_port()
    env = clean_env(E2E_SUBSCRIPTION_SECRET=SECRET, RTFLOW_WEBHOOK_BACKOFF_SECONDS="1")
    running = start_stack(["--port", str(port), "--flow-config", str(path)], port, env)
    try:
        yield running
    finally:
        running.stop()


def test_an_event_is_retried_with_one_delivery_id_until_the_receiver_takes_it(stack, receiver):
    body = ticket_body()
    r = requests.post(f"{stack.base_url}/api/v1/tickets", json=body, timeout=10)
    assert r.status_code == 201, r.text
    number = r.json()["id"]

    eventually(lambda: len(receiver.received) >= 3, timeout=30, what="three delivery attempts")
    attempts = receiver.received[:3]
    assert [status for _, _, status in attempts] == [503, 503, 204]
    ids = {headers["X-RTFlow-Delivery"] for headers, _, _ in attempts}
    assert len(ids) == 1  # the same delivery, tried three times
    for headers, raw, _ in attempts:
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-RTFlow-Signature-256"], expected)
        assert headers["X-RTFlow-Event"] == "ticket.filed"
    payload = json.loads(attempts[-1][1])
    assert payload["event"]["kind"] == "ticket.filed"
    assert payload["ticket"]["number"] == number
    assert payload["ticket"]["title"] == body["title"]
    assert body["requester"]["email"] not in attempts[-1][1].decode()  # no addresses go out

    # Only ticket.filed was subscribed: the acknowledgement and triage events are not sent.
    assert {h["X-RTFlow-Event"] for h, _, _ in receiver.received} == {"ticket.filed"}

    with requests.Session() as http:
        login = Page(http.get(f"{stack.base_url}/staff/login", timeout=10).text)
        token = parse_staff_tokens(stack.output())["mira"]
        signed_in = http.post(
            f"{stack.base_url}/staff/login",
            data={"csrf_token": login.inputs["csrf_token"]["value"], "token": token},
            timeout=10,
        )
        assert signed_in.status_code == 200, signed_in.text

        def delivered_row() -> str | None:
            page = http.get(f"{stack.base_url}/staff/deliveries", timeout=10).text
            rows = [r for r in page.split("<tr")[1:] if f"#{number}<" in r]
            return rows[0] if rows and "Delivered" in rows[0] else None

        html = eventually(delivered_row, timeout=15, what="the delivery log")
    row = Page(html).text
    assert "ops-tools" in row and "ticket.filed" in row and "HTTP 204" in row
    assert "<td>3</td>" in html  # three tries
    assert ids.pop() in row
