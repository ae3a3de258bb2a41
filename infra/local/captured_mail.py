"""The SQLite home's captured mail: a mailer that keeps each mail as one JSON line in the data
directory (<data dir>/mail.jsonl) instead of sending it, and the mailbox /dev/mail reads from
that file, so what was sent is still there after a restart.

A line is written with one append and fsync'd before `send` returns: a mail the notify ledger
records as sent is on disk.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from email.message import EmailMessage
from pathlib import Path

from services.adapters.mail import to_mime
from services.domain.mail import Mail, MailNotSent


def _part(msg: EmailMessage, subtype: str) -> str | None:
    part = msg.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else None


class CapturedMail:
    """The Mailer port (`send`) and /dev/mail's mailbox (`messages`) over one file."""

    def __init__(self, path: Path, sender: str) -> None:
        self.path, self.sender = path, sender
        self._lock = threading.Lock()
        self._read: tuple[int, list[dict]] = (-1, [])

    def send(self, mail: Mail) -> str:
        msg = to_mime(mail, self.sender)
        message_id = str(msg["Message-ID"])
        record = {
            "id": uuid.uuid4().hex,
            "from": str(msg["From"]),
            "to": list(mail.to),
            "subject": str(msg["Subject"]),
            "date": str(msg["Date"]),
            "message_id": message_id,
            "headers": {k: str(v) for k, v in msg.items()},
            # As the MIME message carries them, as /dev/mail shows SES's mail on the AWS stack.
            "text": _part(msg, "plain"),
            "html": _part(msg, "html"),
        }
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
