"""Mail in on the embedded stack: an SMTP server on loopback (aiosmtpd) that hands each
message, as the exact bytes received, to `deliver` (normally services.application.mail_in.receive
with the stack's flow config and inbox).

Answers: 250 once the message is recorded, was a duplicate, or is ignored (a robot's mail:
telling the sender would only start a loop); 451 (try again later) when `deliver` raises, so
the sending MTA keeps the message; 552 over the size limit (aiosmtpd).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiosmtpd.controller import Controller

log = logging.getLogger(__name__)

DEFAULT_PORT = 2525  # RTFLOW_SMTP_IN_PORT; 25 needs root
# SES's own limit for mail in: room for a few attachments at their largest (base64 adds a third).
MAX_MESSAGE_BYTES = 40 * 1024 * 1024


def _reply_text(outcome: str) -> str:
    # One line of ASCII: an SMTP reply cannot carry a newline or (without SMTPUTF8) UTF-8.
    text = " ".join(str(outcome).split())
    return text.encode("ascii", "replace").decode("ascii")[:400]


class _Handler:
    def __init__(self, deliver: Callable[[bytes], str]):
        self.deliver = deliver

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it so
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        try:
            # Off the event loop: recording writes to the table, and SMTP must stay responsive.
            outcome = await asyncio.get_running_loop().run_in_executor(None, self.deliver, raw)
        except Exception:
            log.exception("smtp in: delivery failed; the sender will try again")
            return "451 4.3.0 Temporary failure, please try again later"
        log.info("smtp in: %s", outcome)  # no addresses in the log
        return f"250 2.0.0 OK: {_reply_text(outcome)}"


class _Controller(Controller):
    def _trigger_server(self):
        # Port 0 binds any free port: learn which before aiosmtpd connects to itself.
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]  # an asyncio Server
        super()._trigger_server()


class SmtpIntake:
    """`SmtpIntake(deliver=...).start()`; `.port` is the bound port (useful with port=0)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        deliver: Callable[[bytes], str] | None = None,
        *,
        max_bytes: int = MAX_MESSAGE_BYTES,
    ):
        if deliver is None:
            raise TypeError("SmtpIntake needs deliver: a callable(bytes) -> str")
        self.host = host
        self._requested_port = port
        self.deliver = deliver
        self.max_bytes = max_bytes
        self._controller: _Controller | None = None

    @property
    def port(self) -> int:
        if self._controller is None:
            return self._requested_port
        return self._controller.port

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SmtpIntake:
        if self._controller is not None:
            return self
        controller = _Controller(
            _Handler(self.deliver),
            hostname=self.host,
            port=self._requested_port,
            data_size_limit=self.max_bytes,
            server_hostname="rtflow.localhost",
            ident="RT Flow mail intake",
        )
        controller.start()
        self._controller = controller
        log.info("smtp in: listening on %s:%d", self.host, controller.port)
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> SmtpIntake:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
