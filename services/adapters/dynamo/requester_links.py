"""The RequesterLinks port on the table."""

from __future__ import annotations

import secrets

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

from services.domain.ports import Clock
from services.domain.tokens import token_digest

from .keys import META
from .models import LoginLinkItem, LoginRateItem
from .table import DynamoTable, is_condition_failure


class DynamoRequesterLinks:
    """One-time sign-in links: pk LOGIN#<sha256 of the token>; redeemed by a conditional
    delete, so a link signs in once, however many tabs race for it. At most PER_WINDOW links
    per address and WINDOW_SECONDS (a conditional counter, pk LOGINRATE#<address digest>), so
    the public sign-in page cannot be used to mail someone again and again."""

    LIFETIME_SECONDS = 30 * 60
    WINDOW_SECONDS = 15 * 60
    PER_WINDOW = 3

    def __init__(self, table: DynamoTable, clock: Clock):
        table.bind()
        self.clock = clock

    def _within_rate(self, email: str) -> bool:
        Rate = LoginRateItem
        now = int(self.clock.now().timestamp())
        window = now - now % self.WINDOW_SECONDS
        item = Rate(f"LOGINRATE#{token_digest(email)}", f"W#{window}")
        try:
            item.update(
                actions=[Rate.asked.add(1), Rate.expires_at.set(window + 2 * self.WINDOW_SECONDS)],
                condition=Rate.asked.does_not_exist() | (Rate.asked < self.PER_WINDOW),
            )
        except UpdateError as e:
            if is_condition_failure(e):
                return False
            raise
        return True

    def issue(self, email: str) -> str | None:
        email = email.lower()
        if not self._within_rate(email):
            return None
        token = secrets.token_urlsafe(32)
        expires = int(self.clock.now().timestamp()) + self.LIFETIME_SECONDS
        LoginLinkItem(f"LOGIN#{token_digest(token)}", META, email=email, expires_at=expires).save()
        return token

    def redeem(self, token: str) -> str | None:
        if not token or len(token) > 128:
            return None
        Link = LoginLinkItem
        try:
            item = Link.get(f"LOGIN#{token_digest(token)}", META, consistent_read=True)
        except DoesNotExist:
            return None
        now = int(self.clock.now().timestamp())
        try:
            item.delete(condition=Link.pk.exists() & (Link.expires_at > now))
        except DeleteError as e:
            if is_condition_failure(e):
                return None  # used by another request meanwhile, or expired
            raise
        return item.email
