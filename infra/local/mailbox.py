"""The embedded stack's captured mail: what the SES emulator was asked to send."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage


def _parse(raw: bytes | str) -> EmailMessage:
    data = raw.encode() if isinstance(raw, str) else raw
    return message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def _part(msg: EmailMessage, subtype: str) -> str | None:
    """A body part's text, its lines ended by "\n" as a mail program shows them (on the wire,
    as sent under email.policy.SMTP, they end with CRLF)."""
    part = msg.get_body(preferencelist=(subtype,))
    return part.get_content().replace("\r\n", "\n") if part is not None else None


class SesMailbox:
    """Reads moto's SES backend in this process (the emulator runs in-process)."""

    def __init__(self, region: str):
        self.region = region
        self._parsed: dict[str, dict] = {}  # sent mail never changes: parse each once

    def messages(self) -> list[dict]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        backend = ses_backends[DEFAULT_ACCOUNT_ID][self.region]
        out = []
        for sent in list(backend.sent_messages):
            if sent.id not in self._parsed:
                parsed = self._parse_sent(sent)
                if parsed is None:
                    continue
                self._parsed[sent.id] = parsed
            out.append(self._parsed[sent.id])
        return out

    @staticmethod
    def _parse_sent(sent) -> dict | None:
        raw = getattr(sent, "raw_data", None)
        if raw is None:
            return None
        return {"id": sent.id, **read_sent(raw)}


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
