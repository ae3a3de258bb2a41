"""Reports in an S3 bucket (ReportsBucket of infra/resources/reports.yml):

  reports/daily/<yyyy-mm-dd>/report.{html,csv,json}
  reports/weekly/<yyyy>-W<ww>/report.{html,csv,json}
  reports/<kind>/<period>/<name>.marker     e.g. the digest mail's "sent once" marker

Periods sort as text, so the latest are the last keys of a listing. A marker is claimed with
a conditional put (If-None-Match: *): of two runs racing for it, exactly one gets it.
"""

from __future__ import annotations

import re
from typing import Any

from services.domain.reports.store import ReportStore

PREFIX = "reports/"
_PART = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$", re.IGNORECASE)


def _check(*parts: str) -> None:
    for part in parts:
        if not _PART.match(part):
            raise ValueError(f"not a report key part: {part!r}")


def report_key(kind: str, period: str, fmt: str) -> str:
    _check(kind, period, fmt)
    return f"{PREFIX}{kind}/{period}/report.{fmt}"


def marker_key(kind: str, period: str, name: str) -> str:
    _check(kind, period, name)
    return f"{PREFIX}{kind}/{period}/{name}.marker"


class S3ReportStore(ReportStore):
    def __init__(self, client: Any, bucket: str):
        self.client = client
        self.bucket = bucket

    def put(self, kind: str, period: str, fmt: str, body: bytes, content_type: str) -> str:
        key = report_key(kind, period, fmt)
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)
        return key

    def get(self, kind: str, period: str, fmt: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=report_key(kind, period, fmt))
        except self.client.exceptions.NoSuchKey:
            return None
        return response["Body"].read()

    def periods(self, kind: str, limit: int = 10) -> list[str]:
        """The latest periods of `kind`, newest first: one "folder" per period."""
        _check(kind)
        prefix = f"{PREFIX}{kind}/"
        found: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix, Delimiter="/"
        ):
            found += [
                p["Prefix"][len(prefix) :].rstrip("/") for p in page.get("CommonPrefixes", [])
            ]
        return sorted(found, reverse=True)[:limit]

    def claim(self, kind: str, period: str, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket, Key=marker_key(kind, period, name), Body=b"", IfNoneMatch="*"
            )
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            # 412: it exists; 409: another conditional put of it is under way.
            if code in ("PreconditionFailed", "ConditionalRequestConflict") or status in (409, 412):
                return False
            raise
        return True

    def release(self, kind: str, period: str, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=marker_key(kind, period, name))
