"""Sign-in sessions kept by the store, so that signing out ends them.

The browser's cookie holds only a session id: 256 random bits, of which the store keeps the
SHA-256 alone. Signing in starts a new session (a new id, whatever the cookie held before:
an id planted by someone else is never signed in), signing out ends it in the store, and
every session ends by itself at its expiry. A copied cookie is worth nothing after either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

# Longest id a cookie may bring: anything longer is not one of ours and is not looked up.
MAX_ID_LENGTH = 128


@dataclass(frozen=True)
class Session:
    """Who a session signed in (`kind`: "staff", "staff-directory", "requester"; `subject`:
    the member id or the address), what else the sign-in established, and until when."""

    kind: str
    subject: str
    expires_at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


class Sessions(Protocol):
    def start(
        self, kind: str, subject: str, lifetime: timedelta, data: Mapping[str, Any] | None = None
    ) -> str:
        """A new session's id (only its digest is stored)."""

    def find(self, session_id: str) -> Session | None:
        """The session, while it lasts; None for an unknown, ended or expired id."""

    def end(self, session_id: str) -> None:
        """End the session now; nothing happens for an unknown id."""
