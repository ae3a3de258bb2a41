"""The public queue's tests run the app over an in-memory table (`repo`) holding four public
tickets (one finished) and two private ones (`tickets`)."""

from __future__ import annotations

from datetime import date

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.domain.lifecycle import Status
from tests.fakes import FakeTicketRepository
from tests.integration.public_queue.queue_helpers import SECRET_TITLE, XSS, file, set_fields


@pytest.fixture
def repo():
    return FakeTicketRepository()


@pytest.fixture
def container(flow, clock, repo):
    settings = Settings(secret_key="queue-test-secret-" * 3, base_url="http://rt.example.org")
    return build(settings, flow=flow, clock=clock, tickets=repo)


@pytest.fixture
def tickets(container, clock, repo):
    """Four public tickets (one in a finished status) and two private ones."""
    numbers = {}
    numbers["xss"] = file(container, title=XSS).number
    clock.advance(hours=1)
    numbers["db"] = file(container, type="database", title="A replica for analytics").number
    set_fields(repo, numbers["db"], status=Status.IN_PROGRESS, owner="priya", eta=date(2027, 1, 8))
    clock.advance(hours=1)
    numbers["plants"] = file(container, title="Move the office plants").number
    clock.advance(hours=1)
    numbers["done"] = file(container, title="Rotate the old certificate").number
    set_fields(repo, numbers["done"], status=Status.CLOSED, owner="mira")
    clock.advance(hours=1)
    numbers["secret"] = file(container, title=SECRET_TITLE, private=True).number
    set_fields(repo, numbers["secret"], status=Status.IN_PROGRESS, owner="priya")
    numbers["access"] = file(container, type="access", title="Root on the payroll db").number
    clock.advance(hours=1)
    return numbers
