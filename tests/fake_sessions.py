"""Sessions in memory, for the contract cases and any test that wants no store."""

from __future__ import annotations

import secrets
from datetime import timedelta

from services.domain.sessions import MAX_ID_LENGTH, Session
from services.domain.tokens import token_digest


class FakeSessions:
    def __init__(self, clock):
        self.clock = clock
        self.kept: dict[str, Session] = {}

    def start(self, kind, subject, lifetime: timedelta, data=None) -> str:
        session_id = secrets.token_urlsafe(32)
        expires = self.clock.now() + lifetime
        self.kept[token_digest(session_id)] = Session(kind, subject, expires, dict(data or {}))
        return session_id

    def find(self, session_id):
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return None
        found = self.kept.get(token_digest(session_id))
        # Whole seconds, as the stores keep them.
        if found is None or int(found.expires_at.timestamp()) <= self.clock.now().timestamp():
            return None
        return found

    def end(self, session_id):
        if session_id and len(session_id) <= MAX_ID_LENGTH:
            self.kept.pop(token_digest(session_id), None)
