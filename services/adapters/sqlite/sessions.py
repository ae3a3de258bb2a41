"""The Sessions port on the database: a row per session, by the SHA-256 of its id, removed
by sign-out or by the expiry tick (expiry.py) once its time is up."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from services.domain.ports import Clock
from services.domain.sessions import MAX_ID_LENGTH, Session
from services.domain.tokens import token_digest

from .database import SqliteDatabase


class SqliteSessions:
    def __init__(self, db: SqliteDatabase, clock: Clock):
        self.db = db
        self.clock = clock

    def start(
        self, kind: str, subject: str, lifetime: timedelta, data: Mapping[str, Any] | None = None
    ) -> str:
        session_id = secrets.token_urlsafe(32)
        expires = int((self.clock.now() + lifetime).timestamp())
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO sessions (digest, kind, subject, data, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (token_digest(session_id), kind, subject, json.dumps(dict(data or {})), expires),
            )
        return session_id

    def find(self, session_id: str) -> Session | None:
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return None
        row = self.db.row(
            "SELECT kind, subject, data, expires_at FROM sessions"
            " WHERE digest = ? AND expires_at > ?",
            (token_digest(session_id), int(self.clock.now().timestamp())),
        )
        if row is None:
            return None
        return Session(
            kind=row["kind"],
            subject=row["subject"],
            expires_at=datetime.fromtimestamp(row["expires_at"], UTC),
            data=json.loads(row["data"]),
        )

    def end(self, session_id: str) -> None:
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE digest = ?", (token_digest(session_id),))
