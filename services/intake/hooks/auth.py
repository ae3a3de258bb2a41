"""How tools prove who they are: an HMAC of the raw body (GitHub, Sentry, the generic hook), a
shared token (GitLab), or HTTP credentials (Alertmanager's and Grafana's `http_config`).
Every comparison is constant-time, and no answer says which part of a credential was wrong."""

from __future__ import annotations

import hashlib
import hmac

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
