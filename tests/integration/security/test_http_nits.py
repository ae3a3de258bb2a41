"""The small things of issue 18, item 11: Allow on a 405, HSTS over https, one Date, a
chunked body over the limit is a 413, and the OpenAPI document's parameters say what the
queue takes (type and owner from the flow config, no blank page size)."""

from __future__ import annotations

import threading

import pytest
import requests

from infra.local.web_server import WebServer
from services.adapters.bootstrap import build
from services.intake.app import create_app
from services.intake.https import HSTS


def test_a_405_says_which_methods_are_allowed(client):
    r = client.delete("/api/v1/tickets")

    assert r.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["Allow"].split(",")}
    assert r.get_json() == {"error": "method not allowed"}


def test_over_https_every_answer_carries_hsts(settings, flow, clock):
    https = settings.model_copy(update={"base_url": "https://rt.example.org"})
    client = create_app(build(https, flow=flow, clock=clock)).test_client()

    for path in ["/", "/api/v1/queue", "/healthz", "/no-such-page"]:
        assert client.get(path).headers["Strict-Transport-Security"] == HSTS


def test_over_plain_http_there_is_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.mark.parametrize("path", ["/queue", "/api/v1/queue", "/queue.atom"])
def test_the_queue_leaves_the_date_to_the_server(client, path):
    r = client.get(path)

    assert r.status_code == 200
    assert "Date" not in r.headers


@pytest.fixture
def served(app, container):
    server = WebServer(
        app, "127.0.0.1", 0, threads=2, timeout=5, max_body=container.settings.max_request_bytes
    )
    loop = threading.Thread(target=server.serve_forever, daemon=True)
    loop.start()
    yield f"http://127.0.0.1:{server.port}"
    server.stop()
    loop.join(5)


@pytest.mark.slow
def test_over_the_real_server_one_date_and_a_chunked_body_over_the_limit_is_a_413(served):
    queue = requests.get(f"{served}/api/v1/queue", timeout=5)
    chunks = iter([b"x" * 10_000] * 40)  # 400 kB, no Content-Length
    chunked = requests.post(
        f"{served}/api/v1/tickets",
        data=chunks,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )

    assert len(queue.raw.headers.getlist("Date")) == 1
    assert chunked.status_code == 413
    assert "too large" in chunked.json()["error"]


def test_the_openapi_document_names_the_types_and_members_the_queue_takes(client, flow):
    spec = client.get("/openapi.json").get_json()
    params = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/queue"]["get"]["parameters"]}

    assert set(params["type"]["enum"]) == {"", *(t.name for t in flow.ticket_types)}
    assert set(params["owner"]["enum"]) == {"", *(m.id for m in flow.team.members)}
    assert params["per_page"]["type"] == "integer"
