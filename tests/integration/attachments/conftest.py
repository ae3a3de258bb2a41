"""The web app over each home with small limits: the SQLite home in the test's directory, and
DynamoDB with the attachments bucket on the emulator (the session's stack: every test reads
only the tickets it filed)."""

from __future__ import annotations

import io

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer, FakeRequesterLinks

MAX_BYTES = 1000
PER_TICKET = 4
BASE = "http://rt.example.org"


@pytest.fixture(params=["sqlite", "aws"])
def container(request, flow, clock, tmp_path):
    common = {
        "secret_key": "test-secret-" * 4,
        "base_url": BASE,
        "attachment_max_bytes": MAX_BYTES,
        "attachments_per_ticket": PER_TICKET,
    }
    fakes = {
        "flow": flow,
        "clock": clock,
        "mailer": FakeMailer(),
        "requester_links": FakeRequesterLinks(),
    }
    if request.param == "sqlite":
        settings = Settings(backend="sqlite", data_dir=tmp_path / "home", **common)
        container = build(settings, **fakes)
        yield container
        container.database.close()
        return
    aws = request.getfixturevalue("session_aws")
    settings = Settings(
        table_name=aws["TicketsTableName"],
        attachments_bucket=aws["AttachmentsBucketName"],
        **common,
    )
    yield build(settings, **fakes)


@pytest.fixture
def staff_token(container) -> str:
    return container.staff_tokens.issue("mira")


@pytest.fixture
def bearer(staff_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_token}"}


def filed(client, **overrides) -> tuple[int, str]:
    """A ticket filed through the API: its number and status token."""
    response = client.post("/api/v1/tickets", json=valid_ticket(**overrides))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    return body["id"], body["status_url"].split("token=")[1]


def files(*named: tuple[str, bytes]) -> dict:
    return {"file": [(io.BytesIO(body), name) for name, body in named]}


def upload(client, number: int, *named, token: str | None = None, headers=None, **fields):
    query = f"?token={token}" if token else ""
    return client.post(
        f"/api/v1/tickets/{number}/attachments{query}",
        data={**files(*named), **fields},
        headers=headers or {},
        content_type="multipart/form-data",
    )


def path_of(url: str) -> str:
    return url.removeprefix(BASE)
