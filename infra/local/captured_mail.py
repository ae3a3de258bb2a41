"""The SQLite home's captured mail: a mailer that keeps each mail as one JSON line in the data
directory (<data dir>/mail.jsonl) instead of sending it, and the mailbox /dev/mail reads from
that file, so what was sent is still there after a restart.

A line is written with one append and fsync'd before `send` returns: a mail notify claimed in
its ledger and handed over is on disk.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path

from infra.local.mailbox import read_sent
from services.adapters.mail import address, to_mime
from services.domain.mail import Mail, MailNotSent


class CapturedMail:
    """The Mailer port (`send`) and /dev/mail's mailbox (`messages`) over one file."""

    def __init__(self, path: Path, sender: str, proof_key: str = "") -> None:
        address(sender)  # a bad setting fails here, at start
        self.path, self.sender = path, sender
        self.proof_key = proof_key  # as the real mailers: a reply proves its sender
        self._lock = threading.Lock()
        self._read: tuple[int, list[dict]] = (-1, [])

    def send(self, mail: Mail) -> str:
        msg = to_mime(mail, self.sender, self.proof_key)
        message_id = str(msg["Message-ID"])
        # Read back from the bytes a transport would send, as /dev/mail shows SES's mail on the
        # AWS stack: what is captured is what a recipient would see.
        record = {"id": uuid.uuid4().hex, "captured_at": time.time(), **read_sent(msg.as_bytes())}
        line = (json.dumps(record) + "\n").encode()
        try:
            with self._lock:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, line)
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as e:  # nothing (whole) was written: the mail may be tried again
            raise MailNotSent(f"cannot write {self.path}: {e}") from e
        return message_id

    def messages(self) -> list[dict]:
        """Every captured mail, the oldest first (read again only when the file grew)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return []
        with self._lock:
            if size != self._read[0]:
                lines = self.path.read_text(encoding="utf-8").splitlines()
                self._read = (size, [json.loads(line) for line in lines if line.strip()])
            return list(self._read[1])
