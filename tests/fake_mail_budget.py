"""The mail budget in memory, for the contract cases and any test that wants no store."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from services.domain.tokens import token_digest


class FakeMailBudget:
    def __init__(self) -> None:
        self.taken: Counter[tuple[str, datetime]] = Counter()

    def take(self, address: str, hour: datetime, limit: int) -> bool:
        key = (token_digest(address.lower()), hour)
        if self.taken[key] >= limit:
            return False
        self.taken[key] += 1
        return True
