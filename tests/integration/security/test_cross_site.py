"""A browser on another site, or behind a rebound DNS name, cannot change anything through
the JSON API or the /dev pages: its "simple" POSTs carry an Origin (and Sec-Fetch-Site) that
is not the app's own, and are refused; scripts, which send neither, are not affected."""

from __future__ import annotations

import pytest
from flask import Flask

from infra.local.devpages import dev_blueprint
from services.adapters.clock import AdjustableClock
from tests.conftest import valid_ticket

SIMPLE = {"Content-Type": "text/plain"}  # what a cross-site form or fetch sends unpreflighted


def filing(client, headers):
    import json

    return client.post("/api/v1/tickets", data=json.dumps(valid_ticket()), headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://evil.example:8000"},  # a rebound name: the page's own origin
        {"Origin": "null"},  # a sandboxed frame, a file
        {"Origin": "http://rt.example.org.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://rt.example.org"},
    ],
)
def test_a_cross_site_post_to_the_api_is_refused_and_files_nothing(client, container, headers):
    r = filing(client, SIMPLE | headers)

    assert r.status_code == 403
    assert r.get_json()["error"].startswith("cross-site request refused")
    assert container.tickets.by_requester("ana@example.org") == []


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, a script, a tool
        {"Origin": "http://rt.example.org"},
        {"Origin": "HTTP://RT.example.org:80"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://rt.example.org"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_the_apps_own_origin_and_scripts_still_file(client, headers):
    assert filing(client, SIMPLE | headers).status_code == 201


def test_reading_the_api_from_anywhere_is_unchanged(client):
    r = client.get("/api/v1/ticket-types", headers={"Origin": "https://evil.example"})

    assert r.status_code == 200


@pytest.fixture
def dev_app():
    clock = AdjustableClock()

    class Mailbox:
        def messages(self):
            return [{"to": "ana@example.org", "subject": "Your sign-in link"}]

    app = Flask(__name__)
    app.register_blueprint(dev_blueprint(Mailbox(), {"hooks": {}}, clock, settle=lambda: None))
    app.extensions["clock"] = clock
    return app


def test_a_cross_site_simple_post_does_not_move_the_test_clock(dev_app):
    clock = dev_app.extensions["clock"]
    before = clock.now()
    r = dev_app.test_client().post(
        "/dev/clock",
        data='{"advance_seconds": 86400}',
        headers=SIMPLE | {"Host": "127.0.0.1:8000", "Origin": "https://evil.example"},
    )

    assert r.status_code == 403
    assert (clock.now() - before).total_seconds() < 3600  # the wall clock's own seconds only


@pytest.mark.parametrize("path", ["/dev/mail.json", "/dev/stack.json", "/dev/clock"])
def test_another_page_on_this_machine_cannot_read_the_dev_pages(dev_app, path):
    r = dev_app.test_client().get(
        path, headers={"Host": "127.0.0.1:8000", "Sec-Fetch-Site": "cross-site"}
    )

    assert r.status_code == 403


def test_the_clock_still_moves_from_curl_and_from_its_own_origin(dev_app):
    client = dev_app.test_client()
    plain = client.post(
        "/dev/clock", data='{"advance_seconds": 60}', headers={"Host": "127.0.0.1:8000"}
    )
    own = client.post(
        "/dev/clock",
        json={"advance_seconds": 60},
        headers={"Host": "127.0.0.1:8000", "Origin": "http://127.0.0.1:8000"},
    )

    assert (plain.status_code, own.status_code) == (200, 200)


def test_json_nested_too_deep_for_the_parser_is_a_400_not_a_500(dev_app):
    r = dev_app.test_client().post(
        "/dev/clock", data="[" * 100_000 + "]" * 100_000, headers={"Host": "127.0.0.1"}
    )

    assert r.status_code == 400
