"""How tools prove who they are: an HMAC of the raw body (GitHub, Sentry), of a timestamp, the
delivery id and the body (the generic hook, as Stripe and Slack sign), a shared token (GitLab),
or HTTP credentials (Alertmanager's and Grafana's `http_config`). Every comparison is
constant-time, and no answer says which part of a credential was wrong."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from werkzeug.datastructures import Authorization

from services.domain.errors import Unauthorized


def hmac_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    # Bytes, not str: compare_digest refuses non-ASCII str, and a header may hold anything.
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def check_signature(
    secret: str, body: bytes, header_value: str | None, header: str, prefix: str = ""
) -> None:
    """`header_value` must be `prefix` + hex HMAC-SHA256(secret, body)."""
    if not header_value:
        raise Unauthorized(f"missing {header} signature")
    if not _same(header_value.strip().lower(), prefix + hmac_hex(secret, body)):
        raise Unauthorized(f"bad {header} signature")


def timestamped_hmac(secret: str, at: int, delivery: str, body: bytes) -> str:
    """What the generic hook's X-RTFlow-Signature signs: "<t>.<delivery>." then the body."""
    return hmac_hex(secret, f"{at}.{delivery}.".encode() + body)


def _stamp_and_signatures(header_value: str) -> tuple[int | None, list[str]]:
    at, signatures = None, []
    for part in header_value.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdecimal() and len(value) <= 12:
            at = int(value)
        elif name == "v1" and value:
            signatures.append(value.lower())
    return at, signatures


def check_timestamped_signature(
    secret: str,
    header_value: str | None,
    header: str,
    *,
    delivery: str,
    body: bytes,
    now: datetime,
    tolerance_seconds: int,
) -> None:
    """`header_value` is "t=<unix seconds>,v1=<hex HMAC>" (more than one v1 while a sender
    rotates its secret); refused when t is further than the tolerance from `now`, so a copy
    of a delivery is worthless once the window has passed, and within it the signed delivery
    id makes it a duplicate."""
    if not header_value:
        raise Unauthorized(f"missing {header} signature")
    at, signatures = _stamp_and_signatures(header_value)
    if at is None or not signatures:
        raise Unauthorized(f"bad {header} signature: expected t=<unix time>,v1=<hex HMAC>")
    expected = timestamped_hmac(secret, at, delivery, body)
    if not any(_same(given, expected) for given in signatures):
        raise Unauthorized(f"bad {header} signature")
    if abs(now.timestamp() - at) > tolerance_seconds:
        raise Unauthorized(
            f"{header} timestamp is more than {tolerance_seconds} seconds from our clock"
        )


def check_token(secret: str, given: str | None, header: str) -> None:
    if not given:
        raise Unauthorized(f"missing {header} token")
    if not _same(given, secret):
        raise Unauthorized(f"bad {header} token")


def check_credentials(secret: str, authorization: str | None) -> None:
    """`Authorization: Bearer <secret>`, or Basic auth whose password is the secret (any user
    name): what Alertmanager's `authorization` / `basic_auth` and Grafana's webhook send."""
    if not authorization:
        raise Unauthorized("missing Authorization header (Bearer <secret> or Basic auth)")
    auth = Authorization.from_header(authorization)
    if auth is None:
        raise Unauthorized("unreadable Authorization header")
    given = auth.token if auth.type == "bearer" else auth.password
    if auth.type not in ("bearer", "basic") or not given or not _same(given, secret):
        raise Unauthorized("bad credentials")
