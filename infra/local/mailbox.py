"""The embedded stack's captured mail: what the SES emulator was asked to send."""

from __future__ import annotations

import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any


def _parse(raw: bytes | str) -> EmailMessage:
    data = raw.encode() if isinstance(raw, str) else raw
    return message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def _part(msg: EmailMessage, subtype: str) -> str | None:
    """A body part's text, its lines ended by "\n" as a mail program shows them (on the wire,
    as sent under email.policy.SMTP, they end with CRLF)."""
    part = msg.get_body(preferencelist=(subtype,))
    return part.get_content().replace("\r\n", "\n") if part is not None else None


class _Stamped(list):
    """moto's list of sent mail, noting when each was sent (moto keeps no time): the
    captured_at that /dev/mail.json shows, as the SQLite home's mailbox does."""

    def __init__(self, sent: list[Any]):
        super().__init__(sent)
        self.at: dict[str, float] = {}

    def append(self, item: Any) -> None:
        self.at[item.id] = time.time()
        super().append(item)


class SesMailbox:
    """Reads moto's SES backend in this process (the emulator runs in-process)."""

    def __init__(self, region: str):
        self.region = region
        self._parsed: dict[str, dict] = {}  # sent mail never changes: parse each once
        self._sent()  # stamped from now on

    def _sent(self) -> _Stamped:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        backend = ses_backends[DEFAULT_ACCOUNT_ID][self.region]
        if not isinstance(backend.sent_messages, _Stamped):  # a reset backend: stamp again
            backend.sent_messages = _Stamped(backend.sent_messages)
        return backend.sent_messages

    def messages(self) -> list[dict]:
        sent_messages = self._sent()
        out = []
        for sent in list(sent_messages):
            if sent.id not in self._parsed:
                parsed = self._parse_sent(sent, sent_messages.at.get(sent.id))
                if parsed is None:
                    continue
                self._parsed[sent.id] = parsed
            out.append(self._parsed[sent.id])
        return out

    @staticmethod
    def _parse_sent(sent, at: float | None) -> dict | None:
        raw = getattr(sent, "raw_data", None)
        if raw is None:
            return None
        return {"id": sent.id, "captured_at": at, **read_sent(raw)}


def read_sent(raw: bytes | str) -> dict:
    """What a recipient sees of a sent mail, read back from the bytes that were sent."""
    msg = _parse(raw)
    return {
        "from": str(msg["From"]),
        "to": [a.addr_spec for a in msg["To"].addresses] if msg["To"] else [],
        "subject": " ".join(str(msg["Subject"]).split()),  # unfolded
        "date": str(msg["Date"] or ""),
        "message_id": str(msg["Message-ID"] or ""),
        "headers": {k: str(v) for k, v in msg.items()},
        "text": _part(msg, "plain"),
        "html": _part(msg, "html"),
    }
