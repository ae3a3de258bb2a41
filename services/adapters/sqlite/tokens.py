"""The StaffTokens port on the database."""

from __future__ import annotations

import secrets

from services.domain.ports import Clock
from services.domain.tokens import token_digest

from .codecs import utc_text
from .database import SqliteDatabase


class SqliteStaffTokens:
    """Staff API tokens: `rtf_<member>_<secret>`; the database keeps only SHA-256 of the
    secret."""

    def __init__(self, db: SqliteDatabase, clock: Clock):
        self.db = db
        self.clock = clock

    def issue(self, member: str, label: str = "") -> str:
        secret = secrets.token_urlsafe(32)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO staff_tokens (member, digest, label, created_at) VALUES (?, ?, ?, ?)",
                (member, token_digest(secret), label or None, utc_text(self.clock.now())),
            )
        return f"rtf_{member}_{secret}"

    @staticmethod
    def parse(token: str) -> tuple[str, str] | None:
        """(member, digest of the secret) of a well-formed token."""
        prefix, _, rest = token.partition("_")
        member, _, secret = rest.partition("_")  # member ids hold no "_"; secrets may
        if prefix != "rtf" or not member or len(secret) < 20 or len(token) > 200:
            return None
        return member, token_digest(secret)

    def exists(self, member: str, digest: str) -> bool:
        row = self.db.row(
            "SELECT 1 FROM staff_tokens WHERE member = ? AND digest = ?", (member, digest)
        )
        return row is not None

    def verify(self, token: str) -> str | None:
        """The member a token belongs to, or None (malformed, unknown or revoked)."""
        parsed = self.parse(token)
        return parsed[0] if parsed and self.exists(*parsed) else None

    def revoke_all(self, member: str) -> int:
        with self.db.transaction() as conn:
            revoked = conn.execute("DELETE FROM staff_tokens WHERE member = ?", (member,)).rowcount
        return int(revoked)
