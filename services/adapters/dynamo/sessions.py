"""The Sessions port on the table: pk SESSION#<sha256 of the id>, sk META, a small item that
sign-out deletes and DynamoDB's TTL removes after `expires_at` (which `find` checks itself,
as TTL deletes late)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from services.domain.ports import Clock
from services.domain.sessions import MAX_ID_LENGTH, Session
from services.domain.tokens import token_digest

from .keys import META
from .models import ItemModel, SortedJSONAttribute
from .table import DynamoTable


class SessionItem(ItemModel):
    kind = UnicodeAttribute()
    subject = UnicodeAttribute()
    data = SortedJSONAttribute()
    expires_at = NumberAttribute()  # epoch seconds (TTL)


def _key(session_id: str) -> str:
    return f"SESSION#{token_digest(session_id)}"


class DynamoSessions:
    def __init__(self, table: DynamoTable, clock: Clock):
        table.bind()
        self.clock = clock

    def start(
        self, kind: str, subject: str, lifetime: timedelta, data: Mapping[str, Any] | None = None
    ) -> str:
        session_id = secrets.token_urlsafe(32)
        SessionItem(
            _key(session_id),
            META,
            kind=kind,
            subject=subject,
            data=dict(data or {}),
            expires_at=int((self.clock.now() + lifetime).timestamp()),
        ).save()
        return session_id

    def find(self, session_id: str) -> Session | None:
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return None
        try:
            item = SessionItem.get(_key(session_id), META, consistent_read=True)
        except DoesNotExist:
            return None
        if item.expires_at <= self.clock.now().timestamp():
            return None
        return Session(
            kind=item.kind,
            subject=item.subject,
            expires_at=datetime.fromtimestamp(item.expires_at, UTC),
            data=item.data or {},
        )

    def end(self, session_id: str) -> None:
        if session_id and len(session_id) <= MAX_ID_LENGTH:
            SessionItem(_key(session_id), META).delete()
