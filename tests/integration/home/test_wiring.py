"""The composition root on the SQLite home: the storage ports on one database file in the data
directory, and a secret key made once and kept there."""

from __future__ import annotations

import stat

import pytest

from services.adapters import sqlite
from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.application.planning import PlanningTickets


@pytest.fixture
def home_env(monkeypatch, tmp_path):
    monkeypatch.delenv("RTFLOW_SECRET_KEY", raising=False)
    monkeypatch.setenv("RTFLOW_BACKEND", "sqlite")
    monkeypatch.setenv("RTFLOW_DATA_DIR", str(tmp_path / "home"))
    return tmp_path / "home"


def test_every_storage_port_is_on_the_one_database(home_env):
    c = build(Settings())
    # The tickets' store, its writers planning the timers of what they save.
    assert isinstance(c.tickets, PlanningTickets)
    assert isinstance(c.tickets.store, sqlite.SqliteTicketRepository)
    assert isinstance(c.inbox, sqlite.SqliteInbox)
    assert isinstance(c.mail_ledger, sqlite.SqliteMailLedger)
    assert isinstance(c.staff_tokens, sqlite.SqliteStaffTokens)
    assert isinstance(c.requester_links, sqlite.SqliteRequesterLinks)
    assert isinstance(c.deliveries, sqlite.SqliteDeliveryLog)
    assert {c.tickets.db, c.inbox.db, c.mail_ledger.db, c.deliveries.db} == {c.database}
    assert c.database.path == home_env / "rtflow.db"
    assert c.database.path.exists()


def test_a_staff_token_outlives_the_process(home_env):
    token = build(Settings()).staff_tokens.issue("mira", "laptop")
    assert build(Settings()).staff_tokens.verify(token) == "mira"


def test_the_secret_key_is_made_once_and_kept_private(home_env):
    first = Settings().secret_key
    assert len(first) >= 32
    assert Settings().secret_key == first
    mode = stat.S_IMODE((home_env / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_a_secret_key_from_the_environment_wins_and_nothing_is_written(home_env, monkeypatch):
    monkeypatch.setenv("RTFLOW_SECRET_KEY", "k" * 40)
    assert Settings().secret_key == "k" * 40
    assert not (home_env / "secret_key").exists()


def test_on_aws_the_secret_key_is_still_required(monkeypatch, tmp_path):
    from pydantic import ValidationError

    monkeypatch.delenv("RTFLOW_SECRET_KEY", raising=False)
    monkeypatch.setenv("RTFLOW_BACKEND", "aws")
    monkeypatch.setenv("RTFLOW_DATA_DIR", str(tmp_path))
    with pytest.raises(ValidationError, match="secret_key"):
        Settings()
    assert not (tmp_path / "secret_key").exists()


def test_the_sqlite_home_is_the_default_and_the_deployment_says_aws():
    from services.adapters.settings import PROJECT_ROOT

    assert Settings.model_fields["backend"].default == "sqlite"
    serverless = (PROJECT_ROOT / "serverless.yml").read_text(encoding="utf-8")
    assert "\n    RTFLOW_BACKEND: aws\n" in serverless
