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


class _HeldTime:
    """The `time` module as the rate limiter's library sees it, its clock held still."""

    def __init__(self, real, now: float):
        self._real, self._now = real, now

    def time(self) -> float:
        return self._now

    def __getattr__(self, name: str):
        return getattr(self._real, name)


@pytest.fixture(autouse=True)
def limiter_clock_held(monkeypatch):
    """The rate limiter's clock (the limits library's, flask-limiter's and the Retry-After
    of intake/throttle.py) held 30 s into a minute: each test's burst lands in one window,
    however slow the machine, instead of now and then straddling two, where the sliding
    window lets a few more through and the test failed by chance."""
    import time

    import flask_limiter._extension
    import limits.storage.memory
    import limits.strategies

    from services.intake import throttle

    held = _HeldTime(time, 1_800_000_030.0)
    for module in (limits.storage.memory, limits.strategies, flask_limiter._extension, throttle):
        monkeypatch.setattr(module, "time", held)
