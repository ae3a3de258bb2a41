"""The /dev pages of the embedded stack (test clock, captured mail, stack details with secrets):
on by default only when the server listens on loopback, and answering only to a loopback Host
header, whatever its port; any other Host gets 404, as if there were no such pages."""

from __future__ import annotations

import socket
import threading

import pytest
from flask import Flask

from infra.local.devpages import dev_blueprint, dev_pages_on
from infra.local.web_server import WebServer
from services.adapters.clock import AdjustableClock


class Mailbox:
    def messages(self) -> list[dict]:
        return [{"to": "ana@example.org", "subject": "[TechOps #1] Filed"}]


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    info = {"hooks": {"github": {"secret": "s3cret"}}}
    app.register_blueprint(dev_blueprint(Mailbox(), info, AdjustableClock(), settle=lambda: None))
    return app


LOOPBACK_HOSTS = ["127.0.0.1", "127.0.0.1:8000", "localhost", "LocalHost:41234", "[::1]:8000"]
OTHER_HOSTS = [
    "evil.example",
    "evil.example:8000",
    "localhost.evil.example",
    "127.0.0.1.nip.io:8000",
    "127.0.0.2:8000",
    "[::1]evil:8000",
    "192.168.1.20:8000",
    "0.0.0.0:8000",
]


@pytest.mark.parametrize("host", LOOPBACK_HOSTS)
@pytest.mark.parametrize("path", ["/dev/clock", "/dev/mail.json", "/dev/stack.json"])
def test_the_dev_pages_answer_a_loopback_host(app, host, path):
    r = app.test_client().get(path, headers={"Host": host})

    assert r.status_code == 200


@pytest.mark.parametrize("host", OTHER_HOSTS)
@pytest.mark.parametrize("path", ["/dev/clock", "/dev/mail.json", "/dev/stack.json"])
def test_any_other_host_gets_404(app, host, path):
    r = app.test_client().get(path, headers={"Host": host})

    assert r.status_code == 404
    assert b"s3cret" not in r.data


def test_another_host_cannot_move_the_clock_nor_learn_a_method_is_wrong(app):
    client = app.test_client()

    moved = client.post(
        "/dev/clock", json={"advance_seconds": 60}, headers={"Host": "evil.example"}
    )
    wrong_method = client.put("/dev/clock", headers={"Host": "evil.example"})

    assert moved.status_code == 404
    assert wrong_method.status_code == 404


def test_the_other_pages_answer_any_host(app):
    app.add_url_rule("/healthz", "healthz", lambda: "ok")

    assert app.test_client().get("/healthz", headers={"Host": "evil.example"}).status_code == 200


@pytest.mark.parametrize(
    ("listen_host", "setting", "on"),
    [
        ("127.0.0.1", None, True),
        ("::1", None, True),
        ("localhost", None, True),
        ("0.0.0.0", None, False),  # noqa: S104 - an address to classify, not a bind
        ("::", None, False),
        ("192.168.1.20", None, False),
        ("0.0.0.0", True, True),  # noqa: S104 - RTFLOW_DEV_PAGES=1
        ("127.0.0.1", False, False),  # RTFLOW_DEV_PAGES=0
    ],
)
def test_the_dev_pages_are_on_by_default_only_on_loopback(listen_host, setting, on):
    assert dev_pages_on(listen_host, setting) is on


def raw_get(port: int, path: str, host: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


@pytest.mark.slow
def test_a_loopback_server_refuses_a_non_loopback_host_header(app):
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1."""
    server = WebServer(app, "127.0.0.1", 0, threads=2, timeout=5, max_body=1024)
    loop = threading.Thread(target=server.serve_forever, daemon=True)
    loop.start()
    try:
        rebound = raw_get(server.port, "/dev/stack.json", f"evil.example:{server.port}")
        local = raw_get(server.port, "/dev/stack.json", f"127.0.0.1:{server.port}")
    finally:
        server.stop()
        loop.join(5)

    assert rebound.startswith(b"HTTP/1.1 404 "), rebound[:200]
    assert b"s3cret" not in rebound
    assert local.startswith(b"HTTP/1.1 200 "), local[:200]
    assert b"s3cret" in local
