"""The web server under crowds of bad clients, over real sockets: hundreds of idle sockets,
many slow ones from one address, a slowloris herd and bodies shorter than they said. Each
time an ordinary request is still answered at once, and no bad client holds a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
import requests

from infra.local.web_server import WebServer
from tests.integration.test_web_server import CUT_OFF_WITHIN, TIMEOUT, hello, seconds_until_closed

slow = pytest.mark.slow

PROMPT = 1.0  # seconds an ordinary request may take while the crowd is there


@contextmanager
def serving(**limits) -> Iterator[tuple[WebServer, str]]:
    limits = {"threads": 2, "timeout": TIMEOUT, "max_body": 1000} | limits
    server = WebServer(hello, "127.0.0.1", 0, **limits)
    loop = threading.Thread(target=server.serve_forever, daemon=True)
    loop.start()
    try:
        yield server, f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()
        loop.join(5)


def crowd(stack: ExitStack, server: WebServer, n: int) -> list[socket.socket]:
    return [
        stack.enter_context(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        for _ in range(n)
    ]


def timed_get(url: str) -> float:
    start = time.monotonic()
    r = requests.get(url, timeout=10)
    assert r.status_code == 200
    return time.monotonic() - start


def trickle_until_closed(sock: socket.socket, data: bytes) -> float:
    """Send `data` a byte every 0.25 s until the server closes (or resets) the connection."""
    start = time.monotonic()
    try:
        while time.monotonic() - start < 10 and not closed(sock, wait=0.25):
            sock.sendall(data[:1])
            data = data[1:]
    except (BrokenPipeError, ConnectionResetError):
        pass
    return time.monotonic() - start


def closed(sock: socket.socket, wait: float = 0.2) -> bool:
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


@slow
def test_two_hundred_idle_sockets_delay_no_one_and_take_no_thread():
    threads_before = threading.active_count()
    with serving() as (server, url), ExitStack() as stack:
        crowd(stack, server, 200)
        time.sleep(0.2)
        waited = timed_get(url)
        threads_during = threading.active_count()

    assert waited < PROMPT
    assert threads_during <= threads_before + 1 + 2  # the loop and the pool of two


@slow
def test_when_every_place_is_taken_the_longest_idle_connection_makes_room():
    with serving(connections=50, timeout=10) as (server, url), ExitStack() as stack:
        idle = crowd(stack, server, 60)
        waited = timed_get(url)

        assert waited < PROMPT
        assert closed(idle[0])  # the oldest went first
        assert not closed(idle[-1])


@slow
def test_one_address_holds_at_most_its_share_and_its_oldest_idle_goes_first():
    with serving(per_client=10, timeout=10) as (server, url), ExitStack() as stack:
        idle = crowd(stack, server, 30)
        waited = timed_get(url)
        time.sleep(0.2)
        still_open = [i for i, s in enumerate(idle) if not closed(s)]

    assert waited < PROMPT
    assert 8 <= len(still_open) <= 10  # the request's own connection was one of the ten
    assert still_open[-1] == 29 and 0 not in still_open


@slow
def test_an_address_whose_every_connection_is_mid_request_gets_no_more():
    with serving(per_client=5, timeout=10) as (server, url), ExitStack() as stack:
        busy = crowd(stack, server, 5)
        for sock in busy:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a")
        time.sleep(0.2)
        (newcomer,) = crowd(stack, server, 1)
        time.sleep(0.2)

        assert closed(newcomer)
        assert not any(closed(s) for s in busy)


@slow
def test_twenty_slowloris_sockets_are_cut_off_while_others_are_served():
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
    with serving(threads=1) as (server, url), ExitStack() as stack:
        herd = crowd(stack, server, 20)
        waited: list[float] = []
        tricklers = [
            threading.Thread(target=lambda s=s: waited.append(trickle_until_closed(s, request)))
            for s in herd
        ]
        for t in tricklers:
            t.start()
        served_in = timed_get(url)
        for t in tricklers:
            t.join()

    assert served_in < PROMPT
    assert len(waited) == 20
    assert max(waited) <= CUT_OFF_WITHIN, waited


@slow
def test_a_body_shorter_than_its_length_holds_no_thread_and_is_cut_off():
    with serving(threads=1) as (server, url), ExitStack() as stack:
        (short,) = crowd(stack, server, 1)
        short.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nabc")
        served_in = timed_get(url)
        waited = seconds_until_closed(short)

    assert served_in < PROMPT
    assert waited <= CUT_OFF_WITHIN
