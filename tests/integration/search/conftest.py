"""The staff search and the public queue's words, over the web app on a fresh SQLite home per
test (the real full-text index, no emulator)."""

from __future__ import annotations

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings

BASE_URL = "http://rt.example.org"


@pytest.fixture
def container(tmp_path, flow, clock):
    settings = Settings(
        backend="sqlite",
        data_dir=tmp_path / "home",
        secret_key="search-test-secret-" * 3,
        base_url=BASE_URL,
    )
    built = build(settings, flow=flow, clock=clock)
    yield built
    if "database" in built.__dict__:
        built.database.close()


@pytest.fixture
def staff(mira_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {mira_token}"}
