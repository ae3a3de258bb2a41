"""What `rtflow run` starts, by RTFLOW_BACKEND: the SQLite home (home.py) or the embedded
AWS stack on moto (stack.py); and the banner it prints once the home is up."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from services.adapters.bootstrap import DATABASE_FILE
from services.adapters.settings import Settings
from services.adapters.sqlite import SchemaTooNew, SqliteDatabase

from .home import SqliteHome
from .serving import SMTP_HOST
from .stack import EmbeddedStack

BACKENDS = ("sqlite", "aws")


def backend() -> str:
    """RTFLOW_BACKEND, or the settings' default; anything else is refused."""
    chosen = os.environ.get("RTFLOW_BACKEND") or str(Settings.model_fields["backend"].default)
    if chosen not in BACKENDS:
        raise ValueError(f"RTFLOW_BACKEND={chosen!r}: choose {' or '.join(BACKENDS)}")
    return chosen


class DataDirUnusable(Exception):
    """The SQLite home's data directory cannot be made or its database opened; the message
    names the directory and why."""


def data_dir() -> Path:
    """RTFLOW_DATA_DIR, or the settings' default, as the home will resolve it."""
    chosen = os.environ.get("RTFLOW_DATA_DIR") or Settings.model_fields["data_dir"].default
    return Path(chosen).resolve()


def open_data_dir(path: Path) -> None:
    """Make the data directory if missing and open its database once, so that a directory
    that cannot hold the home is refused in words before anything starts."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)  # as the secret key makes it
        SqliteDatabase(path / DATABASE_FILE).close()
    except FileExistsError:
        raise DataDirUnusable(
            f"cannot use the data directory {path}: a file is in its place"
        ) from None
    except (OSError, sqlite3.Error, SchemaTooNew) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise DataDirUnusable(f"cannot open the data directory {path}: {why}") from e


def make_stack(port: int, host: str) -> SqliteHome | EmbeddedStack:
    if backend() == "sqlite":
        open_data_dir(data_dir())
        os.environ["RTFLOW_BACKEND"] = "sqlite"
        return SqliteHome(port=port, host=host)
    os.environ["RTFLOW_BACKEND"] = "aws"
    return EmbeddedStack(port=port, host=host)


def _where(stack: SqliteHome | EmbeddedStack) -> tuple[str, str]:
    if isinstance(stack, SqliteHome):
        return (
            f"SQLite home in {stack.data_dir}",
            f"  Data directory    {stack.data_dir}   (back up: copy it with RT Flow stopped,"
            " or sqlite3 rtflow.db '.backup FILE')",
        )
    return (
        "embedded AWS stack on moto: nothing is kept after it stops",
        f"  AWS emulator      {stack.endpoint}   (region us-east-1, any credentials)",
    )


def banner(stack: SqliteHome | EmbeddedStack, hook_lines: list[str]) -> str:
    url = stack.base_url
    kind, where = _where(stack)
    hooks = "\n".join(hook_lines) or "  (none configured)"
    tokens = "\n".join(
        f"  {member:<10} {token}" for member, token in stack.issue_staff_tokens().items()
    )
    mail_line = f"\n  Captured mail     {url}/dev/mail   (JSON: {url}/dev/mail.json)"
    clock_line = (
        f"\n  Test clock        {url}/dev/clock"
        '   (POST {"advance_seconds": 259200} to jump 3 days)'
    )
    if not stack.dev_pages:
        mail_line = "\n  Dev pages         off (captured mail, test clock; RTFLOW_DEV_PAGES=1: on)"
        clock_line = ""
    return f"""
RT Flow is running ({kind}; stop with Ctrl-C)

  File a ticket     {url}/tickets/new{mail_line}
  API               {url}/api/v1/ticket-types   (OpenAPI: {url}/openapi.json)
  Health            {url}/healthz
  Staff console     {url}/staff/   (sign in with a token below){clock_line}
  Mail in (SMTP)    {SMTP_HOST}:{stack.smtp_port}   (new mail files a ticket; replies thread)
{where}

Staff tokens for the example team (Authorization: Bearer <token>):
{tokens}

Webhooks in (point each tool at its URL; `rtflow hooks` prints these again):
{hooks}
"""
