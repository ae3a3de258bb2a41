"""Attachment bytes (the AttachmentStore port of services/domain/attachments.py), kept under
their SHA-256: the same file twice is kept once, a retried write changes nothing, and what
is read back is what was written.

- AWS: AttachmentsBucket (infra/resources/attachments.yml), `attachments/<sha256>`, put with
  its SHA-256 checksum, so S3 refuses a body that arrived damaged.
- The SQLite home: `<data dir>/attachments/<first two hex digits>/<sha256>`, written to a
  temporary file beside it, flushed to disk, then renamed into place (the directory flushed
  too) before the transaction that records it: a reader sees the whole file or none.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import IO, Any

PREFIX = "attachments/"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _checked(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
    return sha256


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class S3AttachmentStore:
    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def put(self, body: bytes) -> str:
        digest = hashlib.sha256(body)
        self.client.put_object(
            Bucket=self.bucket,
            Key=PREFIX + digest.hexdigest(),
            Body=body,
            ContentType="application/octet-stream",
            ChecksumSHA256=base64.b64encode(digest.digest()).decode("ascii"),
        )
        return digest.hexdigest()

    def open(self, sha256: str) -> IO[bytes] | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=PREFIX + _checked(sha256))
        except self.client.exceptions.NoSuchKey:
            return None
        body: IO[bytes] = response["Body"]
        return body


class FileAttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = root  # <data dir>/attachments

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / _checked(sha256)

    def put(self, body: bytes) -> str:
        sha256 = hashlib.sha256(body).hexdigest()
        path = self._path(sha256)
        if path.is_file():
            return sha256  # kept already: the same bytes
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, path)
            _sync_directory(path.parent)  # the rename too outlives a crash: then the record
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        return sha256

    def open(self, sha256: str) -> IO[bytes] | None:
        try:
            return self._path(sha256).open("rb")
        except FileNotFoundError:
            return None
