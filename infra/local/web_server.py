"""The web server of `rtflow run`: waitress, in this process.

Why waitress and not gunicorn: the embedded stack keeps state in its own process that the web
app shares with the threads beside it: the test clock that /dev/clock moves is the one the
scheduler's ticker reads, and /dev/clock waits for the relay and queue pumps to go idle.
gunicorn serves from forked worker processes, which get a copy of that state and none of the
threads (a fork keeps only the forking thread), and runs on Unix only. waitress is pure Python,
serves from a bounded pool of threads in this process, runs on any OS, and limits what a client
may send and how long it may take.

Limits: at most `threads` requests run at once; a client silent for `timeout` seconds, or still
sending one request `timeout` seconds after its first byte (a slow trickle), is cut off;
headers over 64 KiB and bodies over twice the app's limit are refused unread (the web app
answers a body just over its limit with a 413 of its own, in JSON). A body shorter than its
Content-Length is a request still being sent: it is cut off like any trickle, in the server's
loop, before a thread is given to it.

Connections: at most `connections` open at once (poll, not select, so past 1,024 descriptors),
and at most `per_client` from one address (0: no such limit; behind a reverse proxy every
connection comes from the proxy's address). Idle keep-alive connections cost no thread but
do hold a place: when every place is taken, or an address has used all of its own, the
longest idle connection is closed to make room instead of refusing the newcomer; only when
none is idle is the newcomer turned away (closed unanswered). So a client holding hundreds of
idle sockets delays nobody else, and one address trickling requests holds at most its share.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import threading
import time
from typing import Any

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

log = logging.getLogger(__name__)

HEADER_LIMIT = 64 * 1024
# How often the server looks for clients to cut off: a timeout holds to within a second.
CLEANUP_INTERVAL = 1


def is_loopback(host: str) -> bool:
    """Whether listening on `host` listens on this machine only."""
    name = host.strip("[]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """`host` as a URL writes it: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class _TimedRequest(HTTPRequestParser):
    """A request being received, and since when."""

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.started = time.monotonic()


class _Channel(HTTPChannel):
    parser_class = _TimedRequest

    def __init__(self, server: _Listener, *args: Any, **kwargs: Any) -> None:
        super().__init__(server, *args, **kwargs)
        server.newest = self

    @property
    def idle(self) -> bool:
        """Between requests: nothing being received, served or sent."""
        return not (self.request or self.requests or self.total_outbufs_len or self.will_close)


def _longest_idle(channels: list[_Channel]) -> _Channel | None:
    idle = [ch for ch in channels if ch.idle]
    return min(idle, key=lambda ch: ch.last_activity) if idle else None


class _Listener(TcpWSGIServer):
    channel_class = _Channel
    per_client = 0
    newest: _Channel | None = None  # the connection the last accept made

    def _channels(self) -> list[_Channel]:
        # The map is shared by every listener (one per address a name stands for).
        return [ch for ch in self._map.values() if isinstance(ch, _Channel)]

    def readable(self) -> bool:
        """Before waitress stops accepting at the limit: make room by closing the longest
        idle connection. It closes on this pass of the loop, as at most one newcomer is
        accepted, so starting two places early keeps the limit from being reached."""
        if len(self._map) >= self.adj.connection_limit - 2:
            oldest = _longest_idle(self._channels())
            if oldest is not None:
                oldest.will_close = True
        return bool(super().readable())

    def handle_accept(self) -> None:
        self.newest = None
        super().handle_accept()
        if self.per_client and self.newest is not None:
            self._keep_to_share(self.newest)

    def _keep_to_share(self, newest: _Channel) -> None:
        """The newest connection's address holds at most per_client: close its longest idle
        one, or else the newcomer itself. Those already closing no longer count."""
        same = [
            ch
            for ch in self._channels()
            if not ch.will_close and ch.addr and ch.addr[0] == newest.addr[0]
        ]
        if len(same) <= self.per_client:
            return
        victim = _longest_idle([ch for ch in same if ch is not newest]) or newest
        if victim is newest:
            log.warning("%s holds %d connections: one more refused", newest.addr[0], len(same))
        victim.will_close = True

    def maintenance(self, now: float) -> None:
        """waitress closes connections silent for channel_timeout; close as well those whose
        request is not whole channel_timeout after its first byte."""
        super().maintenance(now)
        cutoff = time.monotonic() - self.adj.channel_timeout
        for channel in self.active_channels.values():
            request = channel.request
            if not channel.requests and request is not None and request.started < cutoff:
                channel.will_close = True


class WebServer:
    """Serves `app` on host:port (port 0: any free one) until close()."""

    def __init__(
        self,
        app: Any,
        host: str,
        port: int,
        *,
        threads: int,
        timeout: int,
        max_body: int,
        connections: int = 1000,
        per_client: int = 0,
    ) -> None:
        try:
            self.adj = Adjustments(
                host=host,
                port=port,
                threads=threads,
                channel_timeout=timeout,
                cleanup_interval=CLEANUP_INTERVAL,
                max_request_header_size=HEADER_LIMIT,
                max_request_body_size=2 * max_body,
                connection_limit=connections,
                asyncore_use_poll=True,
            )
        except ValueError:
            raise OSError(errno.EADDRNOTAVAIL, "not an address to listen on") from None
        self._map: dict = {}
        self._tasks = ThreadedTaskDispatcher()
        # A name may stand for several addresses (localhost: 127.0.0.1 and ::1): one socket each.
        try:
            self._listeners = [
                _Listener(app, self._map, dispatcher=self._tasks, adj=self.adj, sockinfo=info)
                for info in self.adj.listen
            ]
        except OSError:
            wasyncore.close_all(self._map)
            raise
        for listener in self._listeners:
            listener.per_client = per_client
        self._tasks.set_thread_count(threads)
        self._stopping = threading.Event()
        self._closing = threading.Lock()
        self._closed = False

    @property
    def port(self) -> int:
        return int(self._listeners[0].effective_port)

    def serve_forever(self) -> None:
        """Serve until stop() or an interrupt (KeyboardInterrupt propagates), then close()."""
        try:
            while not self._stopping.is_set():
                wasyncore.loop(
                    timeout=self.adj.asyncore_loop_timeout, map=self._map, use_poll=True, count=1
                )
        finally:
            self.close()

    def stop(self) -> None:
        """From any thread: serve_forever() returns at once."""
        with self._closing:  # the wake-up pipe is open until close() says otherwise
            self._stopping.set()
            if not self._closed:
                self._listeners[0].pull_trigger()

    def close(self) -> None:
        """Stop accepting, let running requests end (at most 5 s), close every connection;
        once (serve_forever closes on its way out, and the stack's stop() closes too)."""
        with self._closing:
            if self._closed:
                return
            self._closed = True
        self._tasks.shutdown()
        wasyncore.close_all(self._map)
