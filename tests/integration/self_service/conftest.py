"""The self-service tests run the app over fakes of the ports: an in-memory table, one-time
sign-in links and a mailer that keeps what it sends (app and client: tests/integration/
conftest.py)."""

from __future__ import annotations

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from tests.fake_sessions import FakeSessions
from tests.fakes import FakeMailer, FakeRequesterLinks, FakeTicketRepository


@pytest.fixture
def container(flow, clock):
    settings = Settings(secret_key="test-secret-" * 4, base_url="http://rt.example.org")
    return build(
        settings,
        flow=flow,
        clock=clock,
        tickets=FakeTicketRepository(),
        requester_links=FakeRequesterLinks(),
        mailer=FakeMailer(),
        sessions=FakeSessions(clock),
    )
