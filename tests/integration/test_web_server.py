"""The web server of `rtflow run` (waitress) over real sockets: slow clients are cut off after
the timeout while others are served, requests run on a bounded pool of threads, oversized
requests are refused unread, and stop() ends serving at once."""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import requests

from infra.local.web_server import CLEANUP_INTERVAL, WebServer, is_loopback, url_host

# Starts a real server on loopback.
slow = pytest.mark.slow

TIMEOUT = 1
# The server looks for clients to cut off every CLEANUP_INTERVAL seconds; then it closes.
CUT_OFF_WITHIN = TIMEOUT + CLEANUP_INTERVAL + 1.5  # slack for a busy machine


def hello(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(TIMEOUT + 1.5)
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"read %d bytes" % len(body)]


@contextmanager
def serving(app: Callable = hello, threads: int = 4, max_body: int = 1000) -> Iterator[str]:
    """`app` served on a free loopback port; yields its base URL."""
    server = WebServer(app, "127.0.0.1", 0, threads=threads, timeout=TIMEOUT, max_body=max_body)
    loop = threading.Thread(target=server.serve_forever, daemon=True)
    loop.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()
        loop.join(5)
        assert not loop.is_alive(), "serve_forever() did not return after stop()"


def connect(base_url: str) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def seconds_until_closed(sock: socket.socket, trickle: bytes = b"") -> float:
    """Wait for the server to close `sock`, sending `trickle` a byte every 0.25 s meanwhile."""
    start = time.monotonic()
    while time.monotonic() - start < 10:
        if trickle:
            sock.sendall(trickle[:1])
            trickle = trickle[1:]
        if select.select([sock], [], [], 0.25)[0]:
            assert sock.recv(1024) == b"", "the server answered instead of closing"
            return time.monotonic() - start
    raise AssertionError("the server never closed the connection")


@slow
def test_a_client_that_sends_half_a_request_line_is_cut_off_while_others_are_served():
    with serving() as url, connect(url) as slow:
        slow.sendall(b"GET /heal")
        waited = []
        closer = threading.Thread(target=lambda: waited.append(seconds_until_closed(slow)))
        closer.start()
        r = requests.get(f"{url}/", timeout=5)
        closer.join()

    assert r.status_code == 200
    assert TIMEOUT - 0.1 <= waited[0] <= CUT_OFF_WITHIN, waited


@slow
def test_a_client_that_trickles_its_request_is_cut_off_timeout_after_its_first_byte():
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
    with serving() as url, connect(url) as slow:
        waited = seconds_until_closed(slow, trickle=request)

    assert TIMEOUT - 0.1 <= waited <= CUT_OFF_WITHIN, waited


@slow
def test_an_idle_kept_alive_connection_is_closed_after_the_timeout():
    with serving() as url, connect(url) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = b""
        while not answer.endswith(b"read 0 bytes"):
            answer += client.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200 OK")
        waited = seconds_until_closed(client)

    assert TIMEOUT - 0.1 <= waited <= CUT_OFF_WITHIN, waited


@slow
def test_a_request_the_app_takes_longer_than_the_timeout_to_answer_is_answered():
    with serving() as url:
        r = requests.get(f"{url}/slow", timeout=10)

    assert r.status_code == 200


@slow
def test_requests_run_on_at_most_the_configured_threads():
    running, most = 0, 0
    lock = threading.Lock()

    def busy(environ, start_response):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.3)
        with lock:
            running -= 1
        start_response("200 OK", [])
        return [b""]

    with serving(busy, threads=2) as url:
        calls = [threading.Thread(target=requests.get, args=(url,)) for _ in range(6)]
        for call in calls:
            call.start()
        for call in calls:
            call.join()

    assert most == 2


@slow
def test_a_body_over_twice_the_limit_is_refused_by_the_server_unread():
    with serving(max_body=1000) as url:
        within = requests.post(url, data=b"x" * 1500, timeout=5)
        declared = requests.post(url, data=b"x" * 2000, timeout=5)
        chunked = requests.post(url, data=iter([b"x" * 1000] * 3), timeout=5)

    # Just over the app's limit the app still answers (its own 413, on the stack).
    assert (within.status_code, within.text) == (200, "read 1500 bytes")
    assert declared.status_code == 413
    assert chunked.status_code == 413


@slow
def test_headers_over_64_kib_are_refused():
    with serving() as url:
        r = requests.get(url, headers={"X-Big": "x" * 70_000}, timeout=5)

    assert r.status_code == 431


def test_an_address_it_cannot_listen_on_is_an_os_error():
    with pytest.raises(OSError):
        WebServer(hello, "no such host.invalid", 0, threads=1, timeout=1, max_body=1)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),  # noqa: S104 - an address to classify, not a bind
        ("::", False),
        ("192.168.1.20", False),
        ("rtflow.example.org", False),
        ("", False),
    ],
)
def test_which_listen_addresses_are_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_an_ipv6_address_is_written_in_brackets_in_urls():
    assert url_host("::1") == "[::1]"
    assert url_host("[::1]") == "[::1]"
    assert url_host("127.0.0.1") == "127.0.0.1"
