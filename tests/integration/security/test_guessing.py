"""Guessing tokens (issue 18, item 10): every route that checks a credential counts, per
client address, the ones it refuses; past the limit it answers 429 with Retry-After, even to
a right token, so guessing stops. Right tokens are never counted and never limited."""

from __future__ import annotations

import pytest

from tests.integration.console_helpers import csrf_from
from tests.integration.security.queue_helpers import file, from_address

LIMIT = 30  # the default: 30 refusals a minute


def refused_then_limited(answers: list[int], refused: int) -> None:
    assert answers[:LIMIT] == [refused] * LIMIT
    assert set(answers[LIMIT:]) == {429}


def test_wrong_bearer_tokens_are_limited_and_then_a_right_one_is_too(app, container):
    guesser = from_address(app, "198.51.100.1")
    right = container.staff_tokens.issue("mira")
    wrong = [f"rtf_mira_{n:040d}" for n in range(LIMIT + 10)]

    answers = [
        guesser.get("/api/v1/tickets/1", headers={"Authorization": f"Bearer {t}"}).status_code
        for t in wrong
    ]
    limited = guesser.get("/api/v1/ticket-types", headers={"Authorization": f"Bearer {right}"})

    refused_then_limited(answers, 401)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.get_json()["error"].startswith("too many requests from your address")


def test_another_address_is_not_held_back_by_a_guesser(app, container):
    guesser, staff = from_address(app, "198.51.100.2"), from_address(app, "198.51.100.3")
    for n in range(LIMIT + 1):
        guesser.get("/api/v1/tickets/1", headers={"Authorization": f"Bearer rtf_x_{n}"})
    right = container.staff_tokens.issue("mira")

    r = staff.get("/api/v1/ticket-types", headers={"Authorization": f"Bearer {right}"})

    assert r.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/tickets/{n}?token={t}", "/tickets/{n}?token={t}"])
def test_wrong_status_tokens_are_limited(app, path):
    guesser = from_address(app, "198.51.100.4")
    number = file(guesser)

    answers = [
        guesser.get(path.format(n=number, t=f"guess{i:040d}")).status_code for i in range(LIMIT + 5)
    ]

    refused_then_limited(answers, 404)


def test_wrong_tokens_on_the_console_sign_in_are_limited(app):
    guesser = from_address(app, "198.51.100.5")
    csrf = csrf_from(guesser.get("/staff/login").text)

    answers = [
        guesser.post(
            "/staff/login", data={"csrf_token": csrf, "token": f"rtf_mira_{i:040d}"}
        ).status_code
        for i in range(LIMIT + 5)
    ]

    refused_then_limited(answers, 401)


def test_spent_or_made_up_sign_in_links_are_limited(app):
    guesser = from_address(app, "198.51.100.6")
    csrf = csrf_from(guesser.get("/me/link?token=x").text)

    answers = [
        guesser.post("/me/link", data={"csrf_token": csrf, "token": f"made-up-{i}"}).status_code
        for i in range(LIMIT + 5)
    ]

    refused_then_limited(answers, 400)


def test_right_tokens_are_never_counted(app, container):
    staff = from_address(app, "198.51.100.7")
    right = container.staff_tokens.issue("mira")
    number = file(staff)

    answers = [
        staff.get(f"/api/v1/tickets/{number}", headers={"Authorization": f"Bearer {right}"})
        for _ in range(3 * LIMIT)
    ]

    assert {a.status_code for a in answers} == {200}


def test_filing_is_not_a_credential_and_a_busy_client_files_on(app):
    tool = from_address(app, "198.51.100.8")

    numbers = [file(tool, title=f"Import {i}") for i in range(60)]

    assert len(set(numbers)) == 60


@pytest.fixture
def settings(settings, request):
    limit = getattr(request, "param", None)
    return settings.model_copy(update={"limit_refused_credentials": limit}) if limit else settings


@pytest.mark.parametrize("settings", ["3/minute"], indirect=True)
def test_the_limit_is_a_setting(app):
    guesser = from_address(app, "198.51.100.9")

    answers = [
        guesser.get("/api/v1/tickets/1", headers={"Authorization": "Bearer nope"}).status_code
        for _ in range(5)
    ]

    assert answers == [401, 401, 401, 429, 429]


def test_behind_proxies_the_address_they_saw_is_the_client(settings, flow, clock):
    from services.adapters.bootstrap import build
    from services.intake.app import create_app

    app = create_app(build(settings.model_copy(update={"proxy_hops": 1}), flow=flow, clock=clock))
    proxy = from_address(app, "10.0.0.1")

    def guess(client_ip: str) -> int:
        return proxy.get(
            "/api/v1/tickets/1",
            headers={"Authorization": "Bearer nope", "X-Forwarded-For": f"1.2.3.4, {client_ip}"},
        ).status_code

    answers = [guess("203.0.113.1") for _ in range(LIMIT + 1)]

    assert answers[-1] == 429
    assert guess("203.0.113.2") == 401  # another client behind the same proxy
