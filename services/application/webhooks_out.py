"""Webhooks out: each event is POSTed to the subscriptions of the flow config that want it.

For one event and each subscription that wants it:

- the delivery id is stable: uuid5 of (event id, subscription name), so a redelivered event
  carries the same X-RTFlow-Delivery, and receivers can deduplicate on it;
- a delivery the log holds as delivered (or refused for good) is skipped: a redelivered event
  POSTs nothing twice to a subscription that already took it;
- the body is signed as GitHub signs: X-RTFlow-Signature-256: sha256=<HMAC-SHA256(secret, body)>;
  and with the delivery id and the time, as Stripe signs: X-RTFlow-Signature: t=<unix>,v1=<HMAC
  of "t.delivery.body">, so a receiver can refuse a copy sent again under another id or later
  (the generic hook in checks it so: services/intake/hooks/generic.py);
- 2xx is delivered; 4xx other than 408/429 (and a redirect, never followed) is a permanent
  failure, logged and not retried; anything else (5xx, 408, 429, timeouts, connection errors)
  is retried: DeliveryFailed makes the queue redeliver the message (with backoff, see
  webhook_handler), and what was delivered is skipped then;
- each subscription is delivered on its own: the relay queues one message per event and
  subscription (`per_subscription`), and each is tried, backed off and dead-lettered alone,
  so a slow or failing receiver never holds up another. A message without a subscription
  (queued before messages named theirs) is offered to every subscription, as it was then.

Nothing here touches AWS or HTTP: it gets ports (TicketRepository, DeliveryLog, HttpPoster).
Payloads carry no secrets: not the requester's email, not the status token, not the URL.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from services.domain.deliveries import (
    DEAD_LETTERED,
    DELIVERED,
    FAILED_PERMANENTLY,
    RETRYING,
    SETTLED,
    Attempt,
)
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.integrations import Subscription
from services.domain.ports import Clock, DeliveryLog, HttpPoster, TicketRepository
from services.domain.threading import subject_tag
from services.domain.ticket import Ticket

log = logging.getLogger("rtflow.webhooks")

USER_AGENT = "RTFlow-Hookshot/1"
TIMEOUT_SECONDS = 5.0

# uuid5 namespace of delivery ids (any fixed UUID; never change it: ids must stay stable).
DELIVERY_NAMESPACE = uuid.UUID("6f1c1c52-8a53-5b9e-9d1e-7d0f0b5c2a41")

# Event data keys that may hold addresses or secrets: never sent out.
_PRIVATE_KEYS = frozenset({"recipients", "from", "email", "author_email", "token", "secret"})
_DETAIL_MAX = 300


class DeliveryFailed(Exception):
    """Some subscriptions failed and should be retried: the queue redelivers the event."""

    def __init__(self, event_id: str, failed: Iterable[str]):
        self.event_id = event_id
        self.failed = tuple(failed)
        super().__init__(f"event {event_id}: delivery to {', '.join(self.failed)} failed")


@dataclass(frozen=True)
class WebhookDeps:
    tickets: TicketRepository
    log: DeliveryLog
    poster: HttpPoster
    flow: FlowConfig
    clock: Clock
    base_url: str
    secret: Callable[[str], str]  # subscription name -> its signing secret
    timeout: float = TIMEOUT_SECONDS
    backoff_seconds: int = 30  # RTFLOW_WEBHOOK_BACKOFF_SECONDS: the first retry's wait


# -- what is sent --------------------------------------------------------------------------


def delivery_id(event_id: str, subscription: str) -> str:
    """Stable: the same event to the same subscription always has the same id."""
    return str(uuid.uuid5(DELIVERY_NAMESPACE, f"{event_id}\n{subscription}"))


def signature(secret: str, body: bytes) -> str:
    """The X-RTFlow-Signature-256 value, as GitHub's X-Hub-Signature-256."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def staff_url(base_url: str, number: int) -> str:
    return f"{base_url.rstrip('/')}/staff/tickets/{number}"


def _public_actor(actor: str) -> str:
    """Who did it, without the requester's address: "requester:ana@..." is "requester"."""
    kind, _, ident = actor.partition(":")
    return kind if kind == "requester" or "@" in ident else actor


def _scrub(value: Any, email: str) -> Any:
    """Event data without addresses or secrets: private keys dropped, the requester's address
    replaced wherever it appears in text."""
    if isinstance(value, dict):
        return {
            k: _scrub(v, email)
            for k, v in value.items()
            if str(k).lower() not in _PRIVATE_KEYS and "token" not in str(k).lower()
        }
    if isinstance(value, list | tuple):
        return [_scrub(v, email) for v in value]
    if isinstance(value, str) and email:
        return re.sub(re.escape(email), "[requester]", value, flags=re.IGNORECASE)
    return value


def chat_line(event: Event) -> str:
    """The short second line of the chat form: what an update, a reply or a comment said (the
    history's detail of the kinds whose spec quotes it), on one line."""
    if not event.spec.chat_line:
        return ""
    text = " ".join(event.detail.split())
    return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 1].rstrip() + "…"


def _slack_escape(text: str) -> str:
    """Slack's three control characters: user text can neither mention @channel nor forge a
    link (<!channel>, <https://...|click>)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def json_body(event: Event, ticket: Ticket, delivery: str, base_url: str) -> dict[str, Any]:
    email = ticket.requester.email
    return {
        "delivery": delivery,
        "event": {
            "id": event.id,
            "kind": event.kind,
            "at": event.at.isoformat(),
            "actor": _public_actor(event.actor),
            "public": event.public,
            "summary": event.summary,
            "data": _scrub(event.data, email),
        },
        "ticket": {
            "number": ticket.number,
            "title": _scrub(ticket.title, email),
            "type": ticket.type,
            "status": ticket.status.value,
            "owner": ticket.owner,
            "requester": ticket.requester.name,
            "private": ticket.private,
            "url": staff_url(base_url, ticket.number),
        },
    }


def slack_body(event: Event, ticket: Ticket, team: str, base_url: str) -> dict[str, Any]:
    email = ticket.requester.email
    title = _slack_escape(_scrub(ticket.title, email))
    tag = subject_tag(_slack_escape(team), ticket.number)  # as the mails' subjects
    text = f"{tag} {_slack_escape(event.summary)}: {title} — {staff_url(base_url, ticket.number)}"
    line = _scrub(chat_line(event), email)
    if line:
        who = ticket.requester.name if event.actor.startswith("requester:") else ""
        text += "\n> " + _slack_escape(f"{who}: {line}" if who else line)
    return {"text": text}


def encode(body: dict[str, Any]) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def headers(kind: str, delivery: str, secret: str, body: bytes, at: int) -> dict[str, str]:
    """`at`: when it is sent (unix seconds), signed with the delivery id and the body."""
    signed = f"{at}.{delivery}.".encode() + body
    timed = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-RTFlow-Event": kind,
        "X-RTFlow-Delivery": delivery,
        "X-RTFlow-Signature-256": signature(secret, body),
        "X-RTFlow-Signature": f"t={at},v1={timed}",
    }


# -- delivering ----------------------------------------------------------------------------


def classify(status: int) -> str:
    if 200 <= status < 300:
        return DELIVERED
    if 300 <= status < 400:  # redirects are never followed: the URL needs fixing
        return FAILED_PERMANENTLY
    if 400 <= status < 500 and status not in (408, 429):
        return FAILED_PERMANENTLY
    return RETRYING


def _error_text(error: Exception, url: str) -> str:
    """What went wrong, without the URL's path or query (a chat room's URL is its secret)."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    parts = urlsplit(url)
    for piece in (url, parts.path, parts.query):
        if piece and piece != "/":
            text = text.replace(piece, "…")
    return text[:300]


@dataclass(frozen=True)
class Outcome:
    subscription: str
    delivery_id: str
    state: str  # a log state, or "skipped" (settled before)
    status: int | None = None
    error: str = ""


def interested(
    event: Event, flow: FlowConfig, private_ticket: bool, only: str | None = None
) -> list[Subscription]:
    return [
        s
        for s in flow.subscriptions
        if (only is None or s.name == only) and s.wants(event.kind, event.public, private_ticket)
    ]


def per_subscription(
    events: Iterable[Event], subscriptions: Iterable[Subscription]
) -> list[dict[str, Any]]:
    """The webhooks queue's messages: one per event and subscription that may want it (a
    private ticket narrows that further when it is delivered: the relay reads no ticket)."""
    subs = tuple(subscriptions)
    return [
        {**event.to_message(), "subscription": s.name}
        for event in events
        for s in subs
        if s.wants(event.kind, event.public, private_ticket=False)
    ]


def deliver_event(
    event: Event, deps: WebhookDeps, *, last_try: bool = False, only: str | None = None
) -> list[Outcome]:
    """Offer one event to every subscription that wants it (`only`: to that one). Raises
    DeliveryFailed after all were tried when any should be retried; `last_try` (the queue's
    last receive) logs those as dead-lettered instead."""
    # Private tickets only narrow who wants it: with nobody for a public ticket, no read.
    if not interested(event, deps.flow, private_ticket=False, only=only):
        return []
    ticket = deps.tickets.get(event.ticket)
    subs = interested(event, deps.flow, ticket.private, only=only)
    outcomes = [_deliver_one(event, ticket, sub, deps, last_try=last_try) for sub in subs]
    failed = [o.subscription for o in outcomes if o.state in (RETRYING, DEAD_LETTERED)]
    if failed:
        raise DeliveryFailed(event.id, failed)
    return outcomes


def _deliver_one(
    event: Event, ticket: Ticket, sub: Subscription, deps: WebhookDeps, *, last_try: bool
) -> Outcome:
    did = delivery_id(event.id, sub.name)
    retry_state = DEAD_LETTERED if last_try else RETRYING
    try:
        if deps.log.state(event.ticket, did) in SETTLED:
            return Outcome(sub.name, did, "skipped")
        if sub.format == "slack":
            body = slack_body(event, ticket, deps.flow.team.name, deps.base_url)
        else:
            body = json_body(event, ticket, did, deps.base_url)
        raw = encode(body)
        secret = deps.secret(sub.name)
    except Exception as e:  # the log unreadable, a bad secret: this one retries, others go on
        log.exception("webhook %s: event %s not offered", sub.name, event.id)
        return Outcome(sub.name, did, retry_state, error=type(e).__name__)
    if not secret:
        error = f"no secret: set {sub.secret_env or 'RTFLOW_SECRET_KEY'}"
        return _logged(
            event, sub, deps, Outcome(sub.name, did, retry_state, error=error), retry_state
        )
    sent = _post(event, sub, deps, did, raw, secret)
    if sent.state == RETRYING:
        sent = dataclasses.replace(sent, state=retry_state)
    return _logged(event, sub, deps, sent, retry_state)


def _post(
    event: Event, sub: Subscription, deps: WebhookDeps, did: str, raw: bytes, secret: str
) -> Outcome:
    """POST once: the outcome as the receiver answered (RETRYING for anything to retry)."""
    url = str(sub.url)
    try:
        sent_at = int(deps.clock.now().timestamp())
        sending = headers(event.kind, did, secret, raw, sent_at)
        status = deps.poster.post(url, raw, sending, deps.timeout)
    except Exception as e:
        return Outcome(sub.name, did, RETRYING, error=_error_text(e, url))
    state = classify(status)
    error = "" if state == DELIVERED else f"HTTP {status}"
    if 300 <= status < 400:
        error += ": redirects are not followed; correct the subscription's URL"
    return Outcome(sub.name, did, state, status, error)


def _logged(
    event: Event, sub: Subscription, deps: WebhookDeps, outcome: Outcome, retry_state: str
) -> Outcome:
    """Record the attempt in the delivery log: the outcome, or `retry_state` if it could not
    be logged."""
    attempt = Attempt(
        delivery_id=outcome.delivery_id,
        subscription=sub.name,
        ticket=event.ticket,
        event_id=event.id,
        event_kind=event.kind,
        at=deps.clock.now(),
        state=outcome.state,
        status=outcome.status,
        error=outcome.error,
    )
    try:
        deps.log.record(attempt)
    except Exception:
        # Delivered but not logged: retry, so the log learns it (the receiver sees the same
        # delivery id again and can tell it is a redelivery).
        log.exception("webhook %s: delivery %s not logged", sub.name, outcome.delivery_id)
        return dataclasses.replace(outcome, state=retry_state, error=outcome.error or "not logged")
    if outcome.state != DELIVERED:
        log.warning(
            "webhook %s: event %s %s (%s)", sub.name, event.id, outcome.state, outcome.error
        )
    return outcome


# -- retries -------------------------------------------------------------------------------
# As infra/resources/queues.yml WebhooksQueue's maxReceiveCount (a test keeps them equal).
MAX_RECEIVES = 8
MAX_VISIBILITY_SECONDS = 900


def backoff_seconds(receive_count: int, base: int) -> int:
    """min(900, base * 2**(receives - 1)): 30 s, 1 min, 2 min, 4 min, 8 min, then 15 min."""
    wait: int = base * 2 ** max(receive_count - 1, 0)
    return min(MAX_VISIBILITY_SECONDS, wait)


def offer(
    event: Event,
    deps: WebhookDeps,
    *,
    receives: int,
    delay: Callable[[int], None],
    only: str | None = None,
) -> list[Outcome]:
    """Deliver an event taken from the queue for the `receives`-th time (to subscription
    `only`, when the message names one). When a delivery failed, the message waits (`delay`:
    its next try in so many seconds) with exponential backoff and the failure is raised for
    the queue to retry; after MAX_RECEIVES receives the queue's redrive policy parks it, and
    this last try logs its failures as dead-lettered."""
    try:
        return deliver_event(event, deps, last_try=receives >= MAX_RECEIVES, only=only)
    except Exception:
        if receives < MAX_RECEIVES:
            delay(backoff_seconds(receives, deps.backoff_seconds))
        raise
