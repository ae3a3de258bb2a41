"""Where reports are kept: the port the report job writes through and the staff page reads
through (services/adapters/report_store.py keeps them in S3)."""

from __future__ import annotations

from typing import Protocol


class ReportStore(Protocol):
    """Where reports are kept: one object per kind, period and format."""

    def put(self, kind: str, period: str, fmt: str, body: bytes, content_type: str) -> str:
        """Store (overwrite) and return the object's key."""

    def get(self, kind: str, period: str, fmt: str) -> bytes | None: ...

    def periods(self, kind: str, limit: int = 10) -> list[str]:
        """The latest periods with a report, newest first."""

    def claim(self, kind: str, period: str, name: str) -> bool:
        """Create the period's marker `name` unless it exists: True for the first caller."""

    def release(self, kind: str, period: str, name: str) -> None: ...
