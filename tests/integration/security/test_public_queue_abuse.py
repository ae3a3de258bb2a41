"""Cache-busting reads of the public queue (issue 18, item 4): a parameter the queue does not
know is refused, every valid view is built from one snapshot of the open queue, and an
anonymous reader is limited per client address."""

from __future__ import annotations

import pytest

from services.domain.ticket import FINISHED
from tests.integration.security.queue_helpers import CountingReads, file, from_address

PATHS = ["/queue", "/api/v1/queue", "/queue.atom"]


@pytest.mark.parametrize("path", PATHS)
def test_an_unknown_parameter_is_refused_and_named(client, path):
    r = client.get(f"{path}?cachebust=12345")

    assert r.status_code == 400
    assert "cachebust" in r.text
    assert r.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PATHS)
def test_the_queues_own_parameters_are_still_taken(client, path):
    r = client.get(f"{path}?status=open&sort=newest&per_page=25")

    assert r.status_code == 200


def test_a_blank_page_size_is_refused_as_the_openapi_document_says(client):
    r = client.get("/api/v1/queue?per_page=")

    assert r.status_code == 400
    assert set(r.get_json()["errors"]) == {"per_page"}


@pytest.fixture
def counted(container):
    reads = CountingReads(container.tickets)
    container.__dict__["tickets"] = reads
    return reads


def test_a_hundred_distinct_views_read_the_open_queue_once(counted, app):
    client = from_address(app, "192.0.2.10")
    file(client, title="A public ticket")
    urls = [f"/api/v1/queue?page={n}&per_page={1 + n % 100}" for n in range(1, 51)]
    urls += [f"/queue?sort=updated&per_page={n}" for n in range(1, 51)]
    before = counted.public_reads

    answers = [client.get(url).status_code for url in urls]

    assert set(answers) == {200}
    assert counted.public_reads - before == 1  # every open status at once


def test_a_ticket_filed_through_the_app_shows_on_the_queue_at_once(app):
    client = from_address(app, "192.0.2.11")
    assert client.get("/api/v1/queue").get_json()["total"] == 0

    number = file(client, title="Seen at once")

    shown = client.get("/api/v1/queue").get_json()["tickets"]
    assert [t["number"] for t in shown] == [number]


def test_finished_tickets_are_still_read_by_their_cursor(counted, client):
    before = counted.public_reads
    status = sorted(s.value for s in FINISHED)[0]
    client.get(f"/api/v1/queue?status={status}")
    client.get(f"/api/v1/queue?status={status}&sort=oldest")

    assert counted.public_reads - before == 2


@pytest.fixture
def settings(settings, request):
    limit = getattr(request, "param", None)
    return settings.model_copy(update={"limit_queue_readers": limit}) if limit else settings


@pytest.mark.parametrize("settings", ["20/minute"], indirect=True)
def test_an_anonymous_reader_is_limited_per_address_with_retry_after(app):
    reader, neighbour = from_address(app, "192.0.2.20"), from_address(app, "192.0.2.21")

    answers = [reader.get(f"/api/v1/queue?page={n}").status_code for n in range(1, 26)]
    refused = reader.get("/queue.atom")

    assert answers[:20] == [200] * 20 and set(answers[20:]) == {429}
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert neighbour.get("/api/v1/queue").status_code == 200


def test_the_default_reader_limit_is_generous(tmp_path, flow, clock):
    from services.adapters.bootstrap import build
    from services.adapters.settings import Settings
    from services.intake.app import create_app

    settings = Settings(
        backend="sqlite", data_dir=tmp_path / "d", secret_key="k" * 40, base_url="http://x"
    )
    app = create_app(build(settings, flow=flow, clock=clock))
    dashboard = from_address(app, "192.0.2.31")

    answers = [dashboard.get("/api/v1/queue").status_code for _ in range(60)]
    answers += [dashboard.get(f"/queue?page={n}").status_code for n in range(1, 41)]

    assert set(answers) == {200}
