"""The SQLite home's reports: the ReportStore port on files in the data directory, laid out
as the bucket is on AWS (services/adapters/report_store.py): <data dir>/reports/<kind>/
<period>/report.<fmt>, and a marker file claimed by exclusive creation."""

from __future__ import annotations

import os
from pathlib import Path

from services.adapters.report_store import marker_key, report_key


class FileReportStore:
    def __init__(self, root: Path) -> None:
        self.root = root  # the directory holding reports/

    def put(self, kind: str, period: str, fmt: str, body: bytes, content_type: str) -> str:
        key = report_key(kind, period, fmt)
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(body)
        partial.replace(path)  # a reader sees the old report or the new one, whole
        return key

    def get(self, kind: str, period: str, fmt: str) -> bytes | None:
        try:
            return (self.root / report_key(kind, period, fmt)).read_bytes()
        except FileNotFoundError:
            return None

    def periods(self, kind: str, limit: int = 10) -> list[str]:
        folder = self.root / "reports" / kind
        report_key(kind, "x", "json")  # refuses a kind that is not a key's part
        if not folder.is_dir():
            return []
        return sorted((p.name for p in folder.iterdir() if p.is_dir()), reverse=True)[:limit]

    def claim(self, kind: str, period: str, name: str) -> bool:
        path = self.root / marker_key(kind, period, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            return False
        return True

    def release(self, kind: str, period: str, name: str) -> None:
        (self.root / marker_key(kind, period, name)).unlink(missing_ok=True)
