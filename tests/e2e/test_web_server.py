"""`rtflow run`'s web server: where it listens (HOST, PORT), when the /dev pages are on, slow
clients cut off after RTFLOW_WEB_TIMEOUT_SECONDS, and a clean stop on SIGTERM."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest
import requests

from .stack_process import clean_env, free_port, start_stack

pytestmark = pytest.mark.slow  # the last two start stacks of their own


def test_the_dev_pages_answer_only_a_loopback_host_header(stack):
    port = urlsplit(stack).port

    rebound = requests.get(
        f"{stack}/dev/stack.json", headers={"Host": f"rtflow.evil.example:{port}"}, timeout=10
    )
    local = requests.get(
        f"{stack}/dev/stack.json", headers={"Host": f"localhost:{port}"}, timeout=10
    )

    assert rebound.status_code == 404
    assert "secret" not in rebound.text
    assert local.status_code == 200
    assert "hooks" in local.json()


def test_listening_on_every_address_turns_the_dev_pages_off_and_cuts_slow_clients_off():
    port = free_port()
    env = clean_env(RTFLOW_WEB_TIMEOUT_SECONDS="2")
    running = start_stack(["--host", "0.0.0.0", "--port", str(port)], port, env)  # noqa: S104
    try:
        url = running.base_url
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            slow.sendall(b"POST /api/v1/tick")
            start = time.monotonic()
            health = requests.get(f"{url}/healthz", timeout=5)
            dev = requests.get(f"{url}/dev/clock", timeout=5)
            closed = slow.recv(1024)
            waited = time.monotonic() - start
        output = running.output()
    finally:
        running.stop()

    assert health.status_code == 200
    assert dev.status_code == 404
    assert "Dev pages         off" in output
    assert f"http://0.0.0.0:{port}/tickets/new" in output
    assert closed == b""
    assert 1.5 <= waited <= 5, waited  # 2 s, checked each second, on a busy machine
    assert running.process.returncode == 0, output


def test_rtflow_dev_pages_turns_them_on_off_loopback_still_for_a_loopback_host_only():
    port = free_port()
    env = clean_env(HOST="0.0.0.0", PORT=str(port), RTFLOW_DEV_PAGES="1")  # noqa: S104
    running = start_stack([], port, env)
    try:
        local = requests.get(f"{running.base_url}/dev/clock", timeout=10)
        rebound = requests.get(
            f"{running.base_url}/dev/clock", headers={"Host": "rtflow.example.org"}, timeout=10
        )
        output = running.output()
        started = time.monotonic()
    finally:
        running.stop()
    stopped_in = time.monotonic() - started

    assert local.status_code == 200
    assert rebound.status_code == 404
    assert f"http://0.0.0.0:{port}/dev/clock" in output
    assert running.process.returncode == 0, output
    assert stopped_in < 5, stopped_in
