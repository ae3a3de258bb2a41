"""The SQLite home: the whole product on one machine, kept in a data directory
(RTFLOW_DATA_DIR, default .rtflow/), so a restart, or a kill at any moment, loses nothing
that was answered.

The same flow as on AWS without SQS or Lambda: the web app (waitress, web_server.py) writes
each change and its event in one transaction of the database file; the outbox relay's
consumers (consumers.py, home_consumers.py) carry the events to triage, notify, webhooks and
inbound; timers fire every few seconds (the minute job), reports are made every five
minutes, expired rows are removed; mail in listens on loopback (smtp_in.py). Mail out is
captured in the data directory (captured_mail.py; /dev/mail shows it) unless
RTFLOW_MAIL_TRANSPORT=smtp sends it.

In the data directory: rtflow.db (everything the ports keep, and each consumer's position),
relay.db (retries and dead letters), secret_key, mail.jsonl, reports/.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from services.adapters.bootstrap import DATABASE_FILE, Container, build
from services.adapters.clock import AdjustableClock
from services.adapters.settings import Settings
from services.adapters.sqlite import SqliteOutbox, expire
from services.domain.threading import proof_key

from .bell import Bell, RingingDatabase
from .captured_mail import CapturedMail
from .consumers import ConsumerThread
from .home_consumers import consumers
from .relay_ledger import RelayLedger
from .report_files import FileReportStore
from .serving import mount_dev_pages, serve_until_interrupted, start_mail_in, web_server
from .web_server import WebServer, url_host

log = logging.getLogger("rtflow.home")

MAIL_FILE = "mail.jsonl"
RELAY_FILE = "relay.db"
SCHEDULER_SECONDS = 5.0  # the minute job, more often: a demo need not wait a minute
HOUSEKEEPING_SECONDS = 300.0  # reports (the digest still goes once a period) and expiry


class Every(threading.Thread):
    """Runs `job` now and then every `seconds` until stopped; a failure waits for the next."""

    def __init__(self, name: str, job: Callable[[], Any], seconds: float) -> None:
        super().__init__(name=name, daemon=True)
        self.job, self.seconds = job, seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        while True:
            try:
                self.job()
            except Exception:
                log.exception("%s failed; it runs again in %.0fs", self.name, self.seconds)
            if self.stopping.wait(self.seconds):
                return

    def stop(self) -> None:
        self.stopping.set()


class SqliteHome:
    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.port, self.host = port, host
        self.clock = AdjustableClock()
        self.bell = Bell()
        self.dev_pages = False
        self.smtp_port: int | None = None
        # What /dev/stack.json shows: the data directory, the hook secrets, the SMTP port.
        self.info: dict[str, Any] = {"backend": "sqlite"}
        self.consumers: list[ConsumerThread] = []
        self._tickers: list[Every] = []
        self._smtp: Any = None
        self._server: WebServer | None = None
        self._ledger: RelayLedger | None = None
        self._scheduler_lock = threading.Lock()
        self._container: Container | None = None

    @property
    def base_url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}"

    @property
    def container(self) -> Container:
        assert self._container is not None, "open() first"
        return self._container

    @property
    def data_dir(self) -> Path:
        return self.container.settings.data_dir

    def open(self) -> Container:
        """The container over the data directory (made if missing), its database ringing."""
        os.environ.setdefault("RTFLOW_BASE_URL", self.base_url)
        settings = Settings(backend="sqlite")
        settings.data_dir = data = settings.data_dir.resolve()
        self.mailbox = CapturedMail(
            data / MAIL_FILE, settings.mail_from, proof_key(settings.secret_key)
        )
        overrides: dict[str, Any] = {
            "clock": self.clock,  # before any adapter is built: they all read this clock
            "database": RingingDatabase(data / DATABASE_FILE, self.bell),
            "report_store": FileReportStore(data),
        }
        if settings.mail_transport != "smtp":
            overrides["mailer"] = self.mailbox
        self._container = c = build(settings, **overrides)
        c.flow  # noqa: B018 - load and validate the flow config now: a bad file stops the start
        self._ledger = RelayLedger(data / RELAY_FILE)
        self.info["data_dir"] = str(data)
        return c

    def issue_staff_tokens(self) -> dict[str, str]:
        """One new working token per team member (the earlier ones keep working)."""
        c = self.container
        return {m.id: c.staff_tokens.issue(m.id, "rtflow run") for m in c.flow.team.members}

    def start_consumers(self) -> None:
        assert self._ledger is not None
        outbox = SqliteOutbox(self.container.database)
        self.consumers = [
            ConsumerThread(k, outbox, self._ledger, self.bell) for k in consumers(self.container)
        ]
        for consumer in self.consumers:
            consumer.start()
        self._tickers = [
            Every("scheduler", self.run_scheduler, SCHEDULER_SECONDS),
            Every("housekeeping", self.housekeeping, HOUSEKEEPING_SECONDS),
        ]
        for ticker in self._tickers:
            ticker.start()

    def app(self) -> Any:
        from services.intake.app import create_app

        app = create_app(self.container)
        self.dev_pages = mount_dev_pages(
            app,
            self.host,
            self.base_url,
            self.container,
            mailbox=self.mailbox,
            info=self.info,
            clock=self.clock,
            settle=self.settle,
        )
        return app

    def start_smtp(self) -> None:
        self._smtp = start_mail_in(self.container)
        self.smtp_port = self.info["smtp_port"] = self._smtp.port

    def run_scheduler(self) -> dict[str, Any]:
        from services.application.timers import run_due

        with self._scheduler_lock:  # the ticker and /dev/clock take turns, as one schedule
            report = run_due(self.container.timer_deps)
        return {"fired": report.fired, "replanned": report.replanned}

    def housekeeping(self) -> None:
        from services.application.reports import publish

        c = self.container
        expire(c.database, c.clock.now())
        for kind in ("daily", "weekly"):
            publish(c.report_deps, kind)

    def settle(self, rounds: int = 10, timeout: float = 20.0) -> None:
        """Run what is due and wait until its consequences have happened (as the embedded
        stack's settle: after the test clock moves, a person sees the result at once)."""
        deadline = time.monotonic() + timeout
        for _ in range(rounds):
            self._wait_idle(deadline)
            report = self.run_scheduler()
            if not report["fired"] and not report["replanned"]:
                self._wait_idle(deadline)
                return

    def _wait_idle(self, deadline: float) -> None:
        for _ in range(2):  # one consumer's work feeds the next: twice round
            for consumer in self.consumers:
                consumer.idle.clear()
            self.bell.ring()
            for consumer in self.consumers:
                consumer.idle.wait(max(0.0, deadline - time.monotonic()))

    def start(self) -> None:
        self.open()
        app = self.app()
        self.start_consumers()
        self.start_smtp()
        self._server = web_server(app, self.host, self.port, self.container.settings)

    def serve_forever(self) -> None:
        assert self._server is not None, "start() first"
        serve_until_interrupted(self._server, self.stop)

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._smtp is not None:
            self._smtp.stop()
            self._smtp = None
        threads: list[Every | ConsumerThread] = [*self._tickers, *self.consumers]
        for thread in threads:
            thread.stop()
        for thread in threads:
            thread.join(10)
        self._tickers, self.consumers = [], []
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None
        if self._container is not None and "database" in self._container.__dict__:
            self._container.database.close()
