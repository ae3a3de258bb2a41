"""Webhooks out deliver to each subscription on its own, on both homes: a receiver that
hangs until the request times out (5 s) holds up no delivery to a receiver that answers at
once, and still gets every event once it answers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import yaml

from services.adapters.settings import PROJECT_ROOT
from services.application.webhooks_out import TIMEOUT_SECONDS

from .stack_process import RunningStack, clean_env, free_port, start_stack
from .support import eventually, ticket_body

pytestmark = pytest.mark.e2e

FILINGS = 3


class Receiver(ThreadingHTTPServer):
    """Records the ticket of every event POSTed to it; a held receiver answers nothing until
    it is let go (each request waits longer than the sender's timeout)."""

    def __init__(self, held: bool):
        self.tickets: list[int] = []
        self.answered: list[int] = []
        self.go = threading.Event()
        if not held:
            self.go.set()
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler):  # noqa: N802, N805 - http.server's names
                body = json.loads(handler.rfile.read(int(handler.headers["Content-Length"])))
                number = body["ticket"]["number"]
                with self.lock:
                    self.tickets.append(number)
                self.go.wait(60)
                try:
                    handler.send_response(204)
                    handler.end_headers()
                except OSError:  # the sender gave up waiting: it tries again later
                    return
                with self.lock:
                    self.answered.append(number)

            def log_message(handler, *args):  # quiet
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/events"


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    servers = (Receiver(held=True), Receiver(held=False))
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield servers
    finally:
        for server in servers:
            server.go.set()
            server.shutdown()
            server.server_close()


@pytest.fixture(params=["sqlite", "aws"])
def stack(request, receivers, tmp_path: Path) -> Iterator[RunningStack]:
    slow, fast = receivers
    flow = yaml.safe_load((PROJECT_ROOT / "infra" / "flow.example.yaml").read_text())
    flow["subscriptions"] = [  # the slow one first: it would be tried first
        {"name": "slow-tool", "url": slow.url, "events": ["ticket.filed"]},
        {"name": "fast-tool", "url": fast.url, "events": ["ticket.filed"]},
    ]
    path = tmp_path / "flow.yaml"
    path.write_text(yaml.safe_dump(flow))
    env = clean_env(
        RTFLOW_BACKEND=request.param,
        RTFLOW_DATA_DIR=str(tmp_path / "home"),
        RTFLOW_WEBHOOK_BACKOFF_SECONDS="1",
    )
    port = free_port()
    running = start_stack(["--port", str(port), "--flow-config", str(path)], port, env)
    try:
        yield running
    finally:
        running.stop()


def test_a_receiver_that_hangs_holds_up_no_other(stack, receivers):
    slow, fast = receivers
    numbers = []
    for _ in range(FILINGS):
        r = requests.post(f"{stack.base_url}/api/v1/tickets", json=ticket_body(), timeout=10)
        assert r.status_code == 201, r.text
        numbers.append(r.json()["id"])
    filed = time.monotonic()

    # Each event reaches the fast receiver before a single hung request to the slow one has
    # even timed out: nothing waits for the slow receiver's answer.
    eventually(
        lambda: sorted(fast.answered) == numbers,
        timeout=TIMEOUT_SECONDS - 0.5,
        interval=0.05,
        what=f"every filing at the fast receiver (it has {fast.answered}) within the timeout",
    )
    assert time.monotonic() - filed < TIMEOUT_SECONDS
    assert slow.tickets and not slow.answered  # it was tried, and hangs still

    slow.go.set()  # it answers from now on: the retries bring it every event, once each
    eventually(
        lambda: sorted(set(slow.answered)) == numbers,
        timeout=30,
        what=f"every filing at the slow receiver (it has {slow.answered})",
    )
    assert sorted(fast.answered) == numbers  # nothing twice to the fast one
