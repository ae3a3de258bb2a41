"""Fixtures the integration tests share (tests/conftest.py has those of every layer): the web
app over whichever `container` a module builds, a test client, and Mira signed in to the
staff console."""

from __future__ import annotations

import pytest

from services.intake.app import create_app
from tests.integration.console_helpers import sign_in


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
