"""The web app on a fresh SQLite home per test (the real adapters, no emulator): the attacks
of issue 18 replayed against it."""

from __future__ import annotations

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.intake.app import create_app

BASE_URL = "http://rt.example.org"


@pytest.fixture
def settings(tmp_path):
    return Settings(
        backend="sqlite",
        data_dir=tmp_path / "home",
        secret_key="security-test-secret-" * 3,
        base_url=BASE_URL,
    )


@pytest.fixture
def container(settings, flow, clock):
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
