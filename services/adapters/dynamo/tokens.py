"""The StaffTokens port on the table."""

from __future__ import annotations

import secrets

from pynamodb.exceptions import DoesNotExist

from services.domain.ports import Clock
from services.domain.tokens import token_digest

from .models import StaffTokenItem
from .table import DynamoTable


class DynamoStaffTokens:
    """Staff API tokens: `rtf_<member>_<secret>`; the table keeps only SHA-256 of the secret."""

    def __init__(self, table: DynamoTable, clock: Clock):
        table.bind()
        self.clock = clock

    def issue(self, member: str, label: str = "") -> str:
        secret = secrets.token_urlsafe(32)
        StaffTokenItem(
            f"STAFF#{member}",
            f"TOKEN#{token_digest(secret)}",
            member=member,
            label=label or None,
            created_at=self.clock.now(),
        ).save()
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
        try:
            StaffTokenItem.get(f"STAFF#{member}", f"TOKEN#{digest}")
        except DoesNotExist:
            return False
        return True

    def verify(self, token: str) -> str | None:
        """The member a token belongs to, or None (malformed, unknown or revoked)."""
        parsed = self.parse(token)
        return parsed[0] if parsed and self.exists(*parsed) else None

    def revoke_all(self, member: str) -> int:
        items = list(
            StaffTokenItem.query(f"STAFF#{member}", StaffTokenItem.sk.startswith("TOKEN#"))
        )
        for item in items:
            item.delete()
        return len(items)
