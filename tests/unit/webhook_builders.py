"""Subscriptions, a scripted receiver and filed tickets: what the webhooks-out tests
(tests/unit/test_webhooks_out_*.py) build on."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.webhooks_out import WebhookDeps
from services.domain import events as ev
from services.domain.events import Event
from services.domain.integrations import Subscription
from tests.conftest import valid_ticket
from tests.fake_deliveries import FakeDeliveryLog

ROOT = Path(__file__).resolve().parents[2]
SECRET = "x" * 48
BASE_URL = "http://rt.example.org"
EMAIL = "ana@example.org"


# -- fakes ---------------------------------------------------------------------------------


@dataclass
class Request:
    url: str
    body: bytes
    headers: dict[str, str]
    timeout: float

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class FakePoster:
    """Answers each URL with its scripted statuses in turn (then 200); an exception in the
    script is raised, as a connection error would be."""

    def __init__(self, script: dict[str, list[int | Exception]] | None = None):
        self.script = {u: list(s) for u, s in (script or {}).items()}
        self.requests: list[Request] = []

    def post(self, url, body, headers, timeout) -> int:
        self.requests.append(Request(url, body, dict(headers), timeout))
        answers = self.script.get(url) or [200]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def to(self, url: str) -> list[Request]:
        return [r for r in self.requests if r.url == url]


# -- set-up --------------------------------------------------------------------------------

HOOKS = "https://hooks.example.net/rtflow"
CHAT = "https://chat.example.net/hooks/T000/B000/secretpart"
AUDIT = "https://audit.example.net/in"


def sub(name: str, url: str, **kw) -> Subscription:
    return Subscription(name=name, url=url, **kw)


def deps(tickets, flow, clock, *subs, poster=None, log=None, secrets=None) -> WebhookDeps:
    secrets = secrets or {}
    return WebhookDeps(
        tickets=tickets,
        log=log or FakeDeliveryLog(),
        poster=poster or FakePoster(),
        flow=flow.model_copy(update={"subscriptions": tuple(subs)}),
        clock=clock,
        base_url=BASE_URL,
        secret=lambda name: secrets.get(name, f"secret-of-{name}"),
    )


def filed(tickets, flow, clock, **overrides) -> Event:
    result = file_ticket(
        valid_ticket(**overrides),
        TicketDeps(tickets, flow, clock, SECRET),
        source="api",
    )
    [event] = tickets.history(result.ticket.number)
    return event


def updated(clock, number: int, *, public: bool, message: str) -> Event:
    return Event(
        ticket=number,
        kind=ev.UPDATED,
        at=clock.now(),
        actor="staff:mira",
        public=public,
        data={"message": message, "eta": "2026-12-04"},
    )


def verify(secret: str, request: Request) -> bool:
    """What a receiver does: GitHub's verification, with our header's name."""
    expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers["X-RTFlow-Signature-256"])
