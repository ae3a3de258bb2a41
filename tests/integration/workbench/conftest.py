"""Watchers, merging and bulk actions over the web app on a fresh SQLite home per test (the
real adapters, no emulator), with the mail it would send kept in memory."""

from __future__ import annotations

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.application.notify import NotifyDeps, handle_event
from tests.fakes import FakeMailer, FakeMailLedger

BASE_URL = "http://rt.example.org"


@pytest.fixture
def container(tmp_path, flow, clock):
    settings = Settings(
        backend="sqlite",
        data_dir=tmp_path / "home",
        secret_key="workbench-test-secret-" * 3,
        base_url=BASE_URL,
    )
    built = build(settings, flow=flow, clock=clock, mailer=FakeMailer())
    yield built
    if "database" in built.__dict__:
        built.database.close()


def bearer(container, member: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {container.staff_tokens.issue(member)}"}


@pytest.fixture
def mailer(container, flow, clock):
    """The container's mailer (sign-in links land there too); deliver(n) hands every event
    of ticket n to notify, once."""
    sent = container.mailer
    deps = NotifyDeps(
        container.tickets,
        FakeMailLedger(),
        sent,
        flow,
        clock,
        BASE_URL,
        container.settings.secret_key,
    )
    delivered: set[str] = set()

    def deliver(number: int) -> None:
        for event in container.tickets.history(number):
            if event.id not in delivered:
                delivered.add(event.id)
                handle_event(event, deps)

    sent.deliver = deliver
    return sent
