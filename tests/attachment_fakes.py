"""An in-memory AttachmentStore (services/domain/attachments.py) for the unit tests; the
contract tests (tests/contract/test_attachment_store_contract.py) hold it to what S3 and the
data directory do."""

from __future__ import annotations

import hashlib
import io
from typing import IO


class MemoryAttachmentStore:
    def __init__(self, *, events: list[str] | None = None) -> None:
        self.files: dict[str, bytes] = {}
        # What happened, in order, shared with a fake that records too: "put <sha256>".
        self.events = events if events is not None else []

    def put(self, body: bytes) -> str:
        sha256 = hashlib.sha256(body).hexdigest()
        self.files.setdefault(sha256, bytes(body))
        self.events.append(f"put {sha256}")
        return sha256

    def open(self, sha256: str) -> IO[bytes] | None:
        body = self.files.get(sha256)
        return io.BytesIO(body) if body is not None else None
