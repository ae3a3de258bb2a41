"""What both homes of `rtflow run` serve the same way: the web server from the settings, mail
in on loopback, the /dev pages, and serving until interrupted."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from .smtp_in import DEFAULT_PORT, SmtpIntake
from .web_server import WebServer

log = logging.getLogger("rtflow.local")

SMTP_HOST = "127.0.0.1"


def web_server(app: Any, host: str, port: int, settings: Any) -> WebServer:
    return WebServer(
        app,
        host,
        port,
        threads=settings.web_threads,
        timeout=settings.web_timeout_seconds,
        # The upload routes take the larger bodies; the app keeps the others small.
        max_body=max(settings.max_request_bytes, settings.upload_request_bytes),
        connections=settings.web_connections,
        per_client=settings.web_connections_per_client,
    )


def serve_until_interrupted(server: WebServer, stop: Callable[[], None]) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM), then `stop` everything."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop()


def start_mail_in(container: Any) -> SmtpIntake:
    """An SMTP listener on loopback feeding the mail gateway's own function:
    RTFLOW_SMTP_IN_PORT (default 2525, or any free port when that one is taken; 0 for any)."""
    from services.adapters.dkim_check import dkim_vouches
    from services.application.mail_in import receive

    requested = os.environ.get("RTFLOW_SMTP_IN_PORT")
    port = int(requested) if requested else DEFAULT_PORT
    c = container
    dkim = c.settings.smtp_in_dkim  # the From domain's DKIM signature proves the sender

    def deliver(raw: bytes) -> str:
        verified = dkim and dkim_vouches(raw)
        args = (c.flow, c.inbox, c.attachments, c.attachment_limits)
        return receive(raw, *args, sender_verified=verified)

    try:
        return SmtpIntake(SMTP_HOST, port, deliver).start()
    except OSError:
        if requested:
            raise
        log.warning("port %d is taken: mail in listens on a free port instead", port)
        return SmtpIntake(SMTP_HOST, 0, deliver).start()


def mount_dev_pages(
    app: Any,
    host: str,
    base_url: str,
    container: Any,
    *,
    mailbox: Any,
    info: dict[str, Any],
    clock: Any,
    settle: Callable[[], None],
) -> bool:
    """The /dev pages (test clock, captured mail, stack details), when the host allows them;
    whether they are on. Hook URLs and secrets go into `info` (/dev/stack.json) either way."""
    from .devpages import dev_blueprint, dev_pages_on

    info["hooks"] = {
        name: {"url": f"{base_url}/hooks/{name}", "secret": container.hook_secret(name)}
        for name in container.flow.hooks
    }
    if not dev_pages_on(host, container.settings.dev_pages):
        return False
    dev = dev_blueprint(mailbox, info, clock=clock, settle=settle)
    # JSON for scripts and tests, on loopback only: no cookie session to protect.
    app.extensions["csrf"].exempt(dev)
    app.register_blueprint(dev)
    return True
