"""The composition root: the only place that reads settings and builds clients.

Everything is built lazily on first use, so importing a handler costs no network call, and
moto (or any endpoint) can be set up before the first client exists. Tests pass overrides.

RTFLOW_BACKEND chooses where the storage ports live: "aws" (DynamoDB) or "sqlite" (one
database file in RTFLOW_DATA_DIR); everything else is built the same for both.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from services.domain.flow import FlowConfig
from services.domain.ports import Clock

from .clock import SystemClock
from .settings import Settings

if TYPE_CHECKING:
    from .dynamo import DynamoTable
    from .sqlite import SqliteDatabase

DATABASE_FILE = "rtflow.db"

_CLIENTS_LOCK = threading.Lock()


@dataclass
class Container:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)

    @cached_property
    def _session(self):
        import boto3  # deferred: nothing is built at import time

        # One session for every client, pynamodb's too: a session's first client pays for
        # loading botocore's data (~60-100 ms of a cold start); the next ones reuse it (~10 ms).
        return boto3.session.Session()

    def client(self, service: str, **config: Any) -> Any:
        from botocore.config import Config

        # A boto3 session is not thread-safe; the embedded stack's pumps share this container.
        with _CLIENTS_LOCK:
            return self._session.client(
                service,
                region_name=self.settings.aws_region,
                endpoint_url=self.settings.aws_endpoint_url,
                config=Config(**config) if config else None,
            )

    def hook_secret(self, name: str) -> str | None:
        """The secret of hook source `name`: from the environment variable its config names,
        else derived from the app's secret key. None for a source the flow config lacks."""
        import os

        from services.domain.tokens import derived_secret

        source = self.flow.hooks.get(name)
        if source is None:
            return None
        if source.secret_env:
            return os.environ.get(source.secret_env) or None
        return derived_secret(self.settings.secret_key, f"hook:{name}")

    def subscription_secret(self, name: str) -> str:
        import os

        from services.domain.tokens import derived_secret

        sub = next((s for s in self.flow.subscriptions if s.name == name), None)
        if sub is not None and sub.secret_env:
            return os.environ.get(sub.secret_env, "")
        return derived_secret(self.settings.secret_key, f"subscription:{name}")

    @cached_property
    def flow(self) -> FlowConfig:
        from .flow_file import load_flow
        from .ldap_auth import with_member_roles

        flow = load_flow(self.settings.flow_config)
        # Roles from directory groups count everywhere: assigning, routing, mails, the console.
        return with_member_roles(flow, self._directory(flow))

    @cached_property
    def models(self) -> DynamoTable:
        """The table the item models are bound to, for every DynamoDB adapter."""
        from .dynamo import DynamoTable

        s = self.settings
        where = s.table_name, s.aws_region, s.aws_endpoint_url
        return DynamoTable(*where, session=lambda: self._session._session, lock=_CLIENTS_LOCK)

    @property
    def on_sqlite(self) -> bool:
        return self.settings.backend == "sqlite"

    @cached_property
    def database(self) -> SqliteDatabase:
        """The SQLite home's database file, for every SQLite adapter."""
        from .sqlite import SqliteDatabase

        return SqliteDatabase(self.settings.data_dir / DATABASE_FILE)

    @cached_property
    def tickets(self):
        from services.application.planning import planned  # writers plan their timers

        if self.on_sqlite:
            from .sqlite import SqliteTicketRepository

            return planned(SqliteTicketRepository(self.database), lambda: self.flow)
        from .dynamo import DynamoTicketRepository

        return planned(DynamoTicketRepository(self.models), lambda: self.flow)

    @cached_property
    def search(self):
        """Finding tickets (services/domain/search.py): the FTS5 index on SQLite, the term
        index on DynamoDB."""
        if self.on_sqlite:
            from .sqlite.search import SqliteTicketSearch

            return SqliteTicketSearch(self.database)
        from .dynamo.search import DynamoTicketSearch

        return DynamoTicketSearch(self.models)

    @cached_property
    def staff_tokens(self):
        if self.on_sqlite:
            from .sqlite import SqliteStaffTokens

            return SqliteStaffTokens(self.database, self.clock)
        from .dynamo import DynamoStaffTokens

        return DynamoStaffTokens(self.models, self.clock)

    @cached_property
    def inbox(self):
        if self.on_sqlite:
            from .sqlite import SqliteInbox

            return SqliteInbox(self.database, self.clock)
        from .dynamo import DynamoInbox

        return DynamoInbox(self.models, self.clock)

    @cached_property
    def requester_links(self):
        if self.on_sqlite:
            from .sqlite import SqliteRequesterLinks

            return SqliteRequesterLinks(self.database, self.clock)
        from .dynamo import DynamoRequesterLinks

        return DynamoRequesterLinks(self.models, self.clock)

    @cached_property
    def sessions(self):
        """Sign-in sessions of the console and of /me (services/domain/sessions.py)."""
        if self.on_sqlite:
            from .sqlite.sessions import SqliteSessions

            return SqliteSessions(self.database, self.clock)
        from .dynamo.sessions import DynamoSessions

        return DynamoSessions(self.models, self.clock)

    @cached_property
    def directory(self):
        """LDAP sign-in (services/adapters/ldap_auth.py), or None when RTFLOW_LDAP_URL is
        unset. With a URL, the flow config must say where people are (`ldap:`)."""
        return self._directory(self.flow)

    def _directory(self, flow: FlowConfig):
        s = self.settings
        if not s.ldap_url:
            return None
        if flow.ldap is None:
            from services.domain.errors import ConfigError

            raise ConfigError("RTFLOW_LDAP_URL is set but the flow config has no `ldap:` section")
        from .ldap_auth import LdapDirectory

        return LdapDirectory(
            s.ldap_url,
            s.ldap_bind_dn,
            s.ldap_bind_password,
            flow.ldap,
            starttls=s.ldap_starttls,
            ca_file=s.ldap_ca_file,
        )

    @cached_property
    def deliveries(self):
        if self.on_sqlite:
            from .sqlite import SqliteDeliveryLog

            return SqliteDeliveryLog(self.database, self.clock)
        from .deliveries import DynamoDeliveryLog

        return DynamoDeliveryLog(self.models, self.clock)

    @cached_property
    def mail_ledger(self):
        if self.on_sqlite:
            from .sqlite import SqliteMailLedger

            return SqliteMailLedger(self.database, self.clock)
        from .dynamo import DynamoMailLedger

        return DynamoMailLedger(self.models, self.clock)

    @cached_property
    def mailer(self):
        from .mail import mailer_for

        # No automatic retries for SES: a timed-out send may have gone out, and a retry would
        # send it twice. The queue retries what certainly failed.
        return mailer_for(
            self.settings, lambda: self.client("sesv2", retries={"total_max_attempts": 1})
        )

    @cached_property
    def report_store(self):
        """The reports bucket, or None when RTFLOW_REPORTS_BUCKET is unset."""
        from .report_store import S3ReportStore

        bucket = self.settings.reports_bucket
        return S3ReportStore(self.client("s3"), bucket) if bucket else None

    @cached_property
    def attachments(self):
        """Where attachment bytes are kept: data_dir/attachments/ on the SQLite home, the
        attachments bucket on AWS; None when RTFLOW_ATTACHMENTS_BUCKET is unset there."""
        from .attachment_store import FileAttachmentStore, S3AttachmentStore

        if self.on_sqlite:
            return FileAttachmentStore(self.settings.data_dir / "attachments")
        bucket = self.settings.attachments_bucket
        return S3AttachmentStore(self.client("s3"), bucket) if bucket else None

    @cached_property
    def attachment_limits(self):
        from services.domain.attachments import Limits

        s = self.settings
        return Limits(max_bytes=s.attachment_max_bytes, per_ticket=s.attachments_per_ticket)

    @cached_property
    def publisher(self):
        from .queues import SqsEventPublisher

        return SqsEventPublisher(self.sqs, self.settings.notify_queue_url)

    @cached_property
    def triage_publisher(self):
        from .queues import SqsEventPublisher

        return SqsEventPublisher(self.sqs, self.settings.triage_queue_url)

    @cached_property
    def inbound_publisher(self):
        from .queues import SqsEventPublisher

        url = self.settings.inbound_queue_url
        return SqsEventPublisher(self.sqs, url) if url else None

    @cached_property
    def webhooks_publisher(self):
        from .queues import SqsEventPublisher

        url = self.settings.webhooks_queue_url
        return SqsEventPublisher(self.sqs, url) if url else None

    @cached_property
    def sqs(self):
        return self.client("sqs")

    # The use cases' dependency bundles: built here and nowhere else (tests build their own
    # from fakes). Each is cached, as the clients it holds are.

    @cached_property
    def outlets(self):
        from services.application.relay import Outlets

        return Outlets(
            notify=self.publisher,
            triage=self.triage_publisher,
            inbound=self.inbound_publisher,
            # Without subscriptions nobody hears webhooks out: queue nothing for them.
            webhooks=self.webhooks_publisher if self.flow.subscriptions else None,
            subscriptions=self.flow.subscriptions,
            # On DynamoDB the search's term index follows the events the relay carries.
            search=None if self.on_sqlite else self.search,
        )

    @cached_property
    def ticket_deps(self):
        from services.application.deps import TicketDeps

        return TicketDeps(self.tickets, self.flow, self.clock, self.settings.secret_key)

    @cached_property
    def triage_deps(self):
        from services.application.triage import TriageDeps

        return TriageDeps(tickets=self.tickets, flow=self.flow, clock=self.clock)

    @cached_property
    def inbound_deps(self):
        from services.application.inbound import InboundDeps

        return InboundDeps(
            tickets=self.tickets,
            inbox=self.inbox,
            flow=self.flow,
            clock=self.clock,
            secret_key=self.settings.secret_key,
            limits=self.attachment_limits,
        )

    @cached_property
    def notify_deps(self):
        from services.application.notify import NotifyDeps

        from .mail_budget_home import mail_budget_of

        return NotifyDeps(
            tickets=self.tickets,
            ledger=self.mail_ledger,
            mailer=self.mailer,
            flow=self.flow,
            clock=self.clock,
            base_url=self.settings.base_url,
            secret_key=self.settings.secret_key,
            requester_hourly=self.settings.limit_requester_mail,
            budget=mail_budget_of(self),
            recipient_hourly=self.settings.limit_recipient_mail,
        )

    @cached_property
    def webhook_deps(self):
        from services.application.webhooks_out import WebhookDeps

        from .http import default_poster

        return WebhookDeps(
            tickets=self.tickets,
            log=self.deliveries,
            poster=default_poster(),
            flow=self.flow,
            clock=self.clock,
            base_url=self.settings.base_url,
            secret=self.subscription_secret,
            backoff_seconds=self.settings.webhook_backoff_seconds,
        )

    @cached_property
    def timer_deps(self):
        from services.application.timers import SchedulerDeps

        return SchedulerDeps(tickets=self.tickets, flow=self.flow, clock=self.clock)

    @cached_property
    def report_deps(self):
        from services.application.reports import ReportDeps

        return ReportDeps(
            tickets=self.tickets,
            flow=self.flow,
            clock=self.clock,
            store=self.report_store,
            mailer=self.mailer,
            base_url=self.settings.base_url,
        )


def build(settings: Settings | None = None, **overrides: Any) -> Container:
    container = Container(settings=settings or Settings())
    for name, value in overrides.items():
        # cached_property stores in the instance dict: an override is a pre-filled cache.
        container.__dict__[name] = value
    return container


@functools.cache
def container() -> Container:
    """The process-wide container the Lambda handlers use (built on first call)."""
    return build()
