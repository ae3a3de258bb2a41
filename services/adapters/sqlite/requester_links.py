"""The RequesterLinks port on the database."""

from __future__ import annotations

import secrets

from services.domain.ports import Clock
from services.domain.tokens import token_digest

from .database import SqliteDatabase


class SqliteRequesterLinks:
    """One-time sign-in links, by the SHA-256 of the token; redeemed by deleting the row, so
    a link signs in once, however many tabs race for it. At most PER_WINDOW links per
    address and WINDOW_SECONDS (a counter per address digest and window), so the public
    sign-in page cannot be used to mail someone again and again. The numbers are the
    DynamoDB adapter's."""

    LIFETIME_SECONDS = 30 * 60
    WINDOW_SECONDS = 15 * 60
    PER_WINDOW = 3

    def __init__(self, db: SqliteDatabase, clock: Clock):
        self.db = db
        self.clock = clock

    def issue(self, email: str) -> str | None:
        email = email.lower()
        now = int(self.clock.now().timestamp())
        window = now - now % self.WINDOW_SECONDS
        token = secrets.token_urlsafe(32)
        with self.db.transaction() as conn:
            counted = conn.execute(
                "INSERT INTO login_rate (address, window_start, asked, expires_at)"
                " VALUES (?, ?, 1, ?) ON CONFLICT (address, window_start)"
                " DO UPDATE SET asked = asked + 1 WHERE asked < ?",
                (token_digest(email), window, window + 2 * self.WINDOW_SECONDS, self.PER_WINDOW),
            ).rowcount
            if not counted:
                return None
            conn.execute(
                "INSERT INTO login_links (digest, email, expires_at) VALUES (?, ?, ?)",
                (token_digest(token), email, now + self.LIFETIME_SECONDS),
            )
        return token

    def redeem(self, token: str) -> str | None:
        if not token or len(token) > 128:
            return None
        now = int(self.clock.now().timestamp())
        with self.db.transaction() as conn:
            rows = conn.execute(
                "DELETE FROM login_links WHERE digest = ? AND expires_at > ? RETURNING email",
                (token_digest(token), now),
            ).fetchall()
        return str(rows[0]["email"]) if rows else None
