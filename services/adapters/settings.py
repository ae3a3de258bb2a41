"""Settings from the environment (prefix RTFLOW_), read once by the composition root.

Every value has a default that suits the embedded stack except the resource names, which the
embedded stack and serverless.yml set from the outputs of infra/resources.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.domain.attachments import AT_ONCE

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name


def kept_secret_key(data_dir: Path) -> str:
    """The SQLite home's secret key: made once and kept in the data directory (readable by
    its owner only), so status links, staff sessions and derived hook secrets outlive a
    restart. Two processes starting at once agree on the one written first."""
    path = data_dir / SECRET_KEY_FILE
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the home is its owner's alone
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(48))
        f.flush()
        os.fsync(f.fileno())
    return path.read_text(encoding="ascii").strip()


def _secret_key(data: dict[str, Any]) -> str:
    # Unset on the SQLite home: the kept one. Elsewhere unset is an error (min_length).
    if data.get("backend") == "sqlite":
        return kept_secret_key(Path(data["data_dir"]))
    return ""


ENV_PREFIX = "RTFLOW_"


def env_names(model: type[BaseModel]) -> dict[str, str]:
    """Each field's environment variable: RTFLOW_<FIELD>, or its validation alias."""
    return {
        name: (
            alias if isinstance(alias := info.validation_alias, str) else ENV_PREFIX + name
        ).upper()
        for name, info in model.model_fields.items()
    }


def from_environment(model: type[BaseModel]) -> dict[str, str]:
    """The fields set in the environment, read as pydantic-settings' BaseSettings reads them:
    each field's variable (env_names) in any case, the text left for the model to validate,
    keyed as the model takes it (the alias, if any). Read by hand: pydantic-settings cost a
    cold start ~30 ms (asyncio, pydantic's dataclasses and its sources' machinery) for this."""
    environ = {name.upper(): value for name, value in os.environ.items()}
    found: dict[str, str] = {}
    for name, variable in env_names(model).items():
        if variable in environ:
            alias = model.model_fields[name].validation_alias
            found[alias if isinstance(alias, str) else name] = environ[variable]
    return found


class Settings(BaseModel):
    """Each field from the argument of that name, else from the environment, else its default;
    every value validated, the defaults too (as BaseSettings does)."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

    def __init__(self, **values: Any) -> None:
        super().__init__(**(from_environment(type(self)) | values))

    # Where tickets live: "sqlite", one database file in data_dir (services/adapters/sqlite),
    # or "aws", DynamoDB and SQS (serverless.yml says so; or the emulator of `rtflow run`).
    backend: Literal["sqlite", "aws"] = "sqlite"
    # The SQLite home's directory: the database, the secret key, the captured mail.
    data_dir: Path = Path(".rtflow")

    table_name: str = "rtflow-local-tickets"
    notify_queue_url: str = ""
    triage_queue_url: str = ""
    # Webhook deliveries and mail from other tools, recorded then applied on this queue.
    inbound_queue_url: str = ""
    # Webhooks out; unset: events are not offered to subscriptions.
    webhooks_queue_url: str = ""
    # A failed webhook delivery waits base * 2**(tries-1) seconds (at most 900) before the next.
    webhook_backoff_seconds: int = Field(30, ge=1, le=900)
    # Mail in on AWS: where SES's receipt rule stores incoming mail.
    mail_bucket: str = ""
    mail_prefix: str = "inbound/"
    aws_region: str = Field("us-east-1", validation_alias="AWS_REGION")
    # Set for moto, LocalStack or any DynamoDB/SQS-compatible endpoint; unset on AWS.
    aws_endpoint_url: str | None = Field(None, validation_alias="AWS_ENDPOINT_URL")

    flow_config: Path = PROJECT_ROOT / "infra" / "flow.example.yaml"
    # Where people reach the web app; links in mails are built from it.
    base_url: str = "http://127.0.0.1:8000"
    # Signs status-link tokens and session cookies. Required on AWS (serverless.yml sets it);
    # on the SQLite home, unset means the one kept in data_dir.
    secret_key: str = Field(default_factory=_secret_key, min_length=32, validate_default=True)

    mail_transport: Literal["ses", "smtp"] = "ses"
    mail_from: str = "RT Flow <rtflow@example.org>"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None

    max_request_bytes: int = 256 * 1024

    # The web server of `rtflow run` (infra/local/web_server.py; HOST and PORT say where it
    # listens): requests served at once, and the seconds a client may stay silent, or take to
    # send one whole request, before it is cut off.
    web_threads: int = Field(8, ge=1, le=256)
    web_timeout_seconds: int = Field(30, ge=1, le=3600)
    # Connections open at once, and from one client address (0: no such limit; raise it or
    # set 0 behind a reverse proxy, whose address every connection then has).
    web_connections: int = Field(1000, ge=10, le=100_000)
    web_connections_per_client: int = Field(64, ge=0)
    # Per-client limits of the web app (services/intake/throttle.py), in the `limits`
    # library's notation ("30/minute;300/hour"): credentials refused, and anonymous reads of
    # the public queue. Counters in rate_limit_storage (memory://: this process; any URI the
    # `limits` library knows, e.g. redis://, to share them). proxy_hops: how many proxies you
    # run set X-Forwarded-For in front of the app (0: the connection's address is the client).
    rate_limits: bool = True
    limit_refused_credentials: str = "30/minute;300/hour"
    limit_queue_readers: str = "120/minute"
    rate_limit_storage: str = "memory://"
    # Tickets one requester address may have filed in an hour and still be mailed about
    # automatically (acknowledgements, triage's questions): services/application/
    # requester_mail_limit.py. 0: no limit.
    limit_requester_mail: int = Field(10, ge=0)
    # Automatic mails one address outside the team may get an hour, whatever the ticket:
    # services/application/mail_budget.py. 0: no limit.
    limit_recipient_mail: int = Field(10, ge=0)
    # Mail in by SMTP (rtflow run, rtflow serve): a DKIM signature of the From domain proves
    # the sender (services/adapters/dkim_check.py; asks DNS for each signed mail).
    smtp_in_dkim: bool = False
    proxy_hops: int = Field(0, ge=0, le=10)
    # The /dev/* pages of `rtflow run` (test clock, captured mail, stack details with secrets);
    # unset: on only when the server listens on loopback.
    dev_pages: bool | None = None

    # Sign-in with directory accounts (LDAP); unset: no directory. The flow config's `ldap:`
    # says where people and groups are. ldaps:// URLs, or STARTTLS, are checked against the
    # system's CAs (or RTFLOW_LDAP_CA_FILE).
    ldap_url: str = ""
    ldap_bind_dn: str = ""
    ldap_bind_password: str = ""
    ldap_starttls: bool = False
    ldap_ca_file: str = ""

    # Reports (services/scheduler/reports.py): the bucket the daily and weekly reports are
    # written to (ReportsBucket); unset: the scheduled job has nowhere to write and says so.
    reports_bucket: str = ""

    # Attachments (services/domain/attachments.py): on AWS the bucket beside the reports'
    # (AttachmentsBucket); the SQLite home keeps them in data_dir/attachments/. A file may be
    # at most attachment_max_bytes, a ticket hold at most attachments_per_ticket files.
    attachments_bucket: str = ""
    attachment_max_bytes: int = Field(10 * 1024 * 1024, ge=1)
    attachments_per_ticket: int = Field(20, ge=1, le=1000)

    @property
    def upload_request_bytes(self) -> int:
        """The body an upload route takes (the others keep max_request_bytes): the files one
        request may carry at their largest, and the form's other fields."""
        return self.attachment_max_bytes * AT_ONCE + self.max_request_bytes
