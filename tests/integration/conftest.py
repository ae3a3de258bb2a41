"""Fixtures the integration tests share (tests/conftest.py has those of every layer): the web
app over whichever `container` a module builds, a test client, and Mira signed in to the
staff console."""

from __future__ import annotations

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.intake.app import create_app
from tests.integration.console_helpers import sign_in


@pytest.fixture
def sqlite_container(tmp_path, flow, clock):
    """The real adapters on a fresh SQLite home in the test's directory (example flow, fixed
    clock), for a module whose tests are about pages that reach the store through the ports
    alone; tests/contract holds each port to the same cases on every home, and the e2e tests
    run the same pages on DynamoDB."""
    settings = Settings(
        backend="sqlite",
        data_dir=tmp_path / "home",
        secret_key="test-secret-" * 4,
        base_url="http://rt.example.org",
    )
    built = build(settings, flow=flow, clock=clock)
    yield built
    if "database" in built.__dict__:
        built.database.close()


@pytest.fixture
def app(container):
    return create_app(container)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def mira_token(container):
    return container.staff_tokens.issue("mira")


@pytest.fixture
def mira(client, mira_token):
    """A client signed in as Mira (triager and engineer, WIP limit 3)."""
    response = sign_in(client, mira_token)
    assert response.status_code == 303, response.text
    return client
