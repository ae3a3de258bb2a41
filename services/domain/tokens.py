"""Status-link tokens.

A token is HMAC-SHA256(secret, ticket number + a random per-ticket salt): 256 bits that nobody
can guess, that the table never holds (it keeps only a SHA-256 digest), and that the notify
function can derive again to put the link in the acknowledgement mail without the token ever
travelling through the table, its stream or a queue.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_salt() -> str:
    return secrets.token_hex(16)


def status_token(secret: str, number: int, salt: str) -> str:
    mac = hmac.new(secret.encode(), f"status:{number}:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str | None, digest: str) -> bool:
    if not token or len(token) > 128:
        return False
    return hmac.compare_digest(token_digest(token), digest)


def status_link(base_url: str, number: int, token: str) -> str:
    """The requester's private status page; the token is URL-safe base64 already."""
    return f"{base_url.rstrip('/')}/tickets/{number}?token={token}"


def derived_secret(secret: str, purpose: str) -> str:
    """A secret for one purpose ("hook:github", "subscription:chat"), derived from the app's
    secret key: zero configuration, and nothing more to store or rotate separately."""
    mac = hmac.new(secret.encode(), f"derived:{purpose}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()
