"""Per-client limits (flask-limiter over the `limits` library), answered 429 with Retry-After.

Two limits, both per client address and configurable (services/adapters/settings.py):

- Refused credentials (RTFLOW_LIMIT_REFUSED_CREDENTIALS, default 30 a minute and 300 an
  hour): every request that carries a credential (a bearer token, a status token, a sign-in
  form, a spent-link button, a webhook delivery) is checked against the limit first and
  counted only when the credential is refused (see _refused). A guesser is stopped after a few
  dozen tries, and stays stopped even with the right token in hand; a person who mistypes
  their token, and every client whose tokens are right, never meet it.
- Anonymous readers of the public queue (RTFLOW_LIMIT_QUEUE_READERS, default 120 a minute):
  each read counts. A person, a feed reader or a dashboard polling every few seconds is far
  below; a client busting caches to make the server read the queue again and again is not.

The client is the connection's address, or with RTFLOW_PROXY_HOPS = N the address the N-th
proxy from the app saw (X-Forwarded-For, counted from the right: only proxies you run may
set it). Counters live in RTFLOW_RATE_LIMIT_STORAGE: `memory://` (the default) keeps them in
the process, which is the whole SQLite home; on AWS each Lambda instance counts for itself,
so a client meets the limit times the instances serving it (docs/security.md says more).
"""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Blueprint, Flask, request
from flask_limiter import Limiter
from werkzeug.wrappers import Response

# Forms that carry a secret in their body: the console's sign-ins and /me's link button.
_CREDENTIAL_FORMS = frozenset({"/staff/login", "/staff/login/directory", "/me/link"})
_CREDENTIAL_PREFIXES = ("/hooks/", "/me/sign-in/directory")


def client_address(hops: int) -> str:
    if hops > 0:
        route = request.headers.getlist("X-Forwarded-For")
        seen = [a.strip() for header in route for a in header.split(",") if a.strip()]
        if len(seen) >= hops:
            return seen[-hops]
    return request.remote_addr or "unknown"


def carries_credential() -> bool:
    """A token, a password or a signed delivery that this request asks the app to check."""
    if request.headers.get("Authorization") or "token" in request.args:
        return True
    if request.method != "POST":
        return False
    return request.path in _CREDENTIAL_FORMS or request.path.startswith(_CREDENTIAL_PREFIXES)


def _refused(response: Response) -> bool:
    """The credential was refused: an unknown token or password (401), a status token that
    is not the ticket's (404, as for no ticket), a spent or unknown sign-in link (400). A
    403 (a good token, not allowed) and a staff member's 404 are not guesses."""
    status = response.status_code
    if status == 401:
        return True
    if status == 404:
        return "token" in request.args and not request.headers.get("Authorization")
    return status == 400 and request.path == "/me/link"


def register(app: Flask, settings: Any, public_queue: Blueprint) -> Limiter:
    limiter = Limiter(
        key_func=lambda: client_address(settings.proxy_hops),
        app=app,
        storage_uri=settings.rate_limit_storage,
        strategy="sliding-window-counter",
        application_limits=[settings.limit_refused_credentials],
        application_limits_exempt_when=lambda: not carries_credential(),
        application_limits_deduct_when=_refused,
        # A limiter that cannot count must not take the app down with it.
        swallow_errors=True,
        enabled=settings.rate_limits,
    )
    limiter.shared_limit(
        settings.limit_queue_readers,
        scope="public-queue",  # the page, its JSON and its feed count together
        exempt_when=carries_credential,
        error_message="too many reads of the public queue from your address",
    )(public_queue)

    @app.after_request
    def retry_after(response: Response) -> Response:
        current = limiter.current_limit
        if response.status_code == 429 and current is not None and current.breached:
            wait = max(1, math.ceil(current.reset_at - time.time()))
            response.headers["Retry-After"] = str(wait)
        return response

    return limiter
