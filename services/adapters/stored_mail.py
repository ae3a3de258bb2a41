"""Mail in on AWS: SES's receipt rule stores each message in S3 (its S3 action, key
`<prefix><SES messageId>`), then invokes the email-in function (its Lambda action).

Two event shapes are accepted:
- SES (`Records[].ses`): the object is `settings.mail_bucket` / `settings.mail_prefix` +
  `mail.messageId`. A message SES judged spam, a virus or a DMARC failure is ignored unread.
- S3 (`Records[].s3`, ObjectCreated): the object named by the record, for a setup that
  triggers on the bucket instead of from the receipt rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

# DMARC FAIL: the From address is forged by its own domain's word, and the mail gateway
# trusts From to tell the requester and the team from strangers.
_REJECTED_VERDICTS = ("spamVerdict", "virusVerdict", "dmarcVerdict")


@dataclass(frozen=True)
class StoredMail:
    """One record's message: where it is stored, or why it is ignored unread."""

    bucket: str = ""
    key: str = ""
    ignored: str = ""
    # SES's DMARC verdict PASS: the From domain signed or sent it, so From is the sender's.
    verified: bool = False


def _from_ses(ses: dict[str, Any], bucket: str, prefix: str) -> StoredMail:
    receipt = ses.get("receipt") or {}
    failed = [v for v in _REJECTED_VERDICTS if (receipt.get(v) or {}).get("status") == "FAIL"]
    if failed:
        return StoredMail(ignored=f"ignored: SES {' and '.join(failed)} FAIL")
    if not bucket:
        raise RuntimeError("RTFLOW_MAIL_BUCKET is not set: where does SES store mail?")
    verified = (receipt.get("dmarcVerdict") or {}).get("status") == "PASS"
    return StoredMail(bucket, f"{prefix}{ses['mail']['messageId']}", verified=verified)


def stored_mails(event: dict[str, Any], bucket: str, prefix: str) -> list[StoredMail]:
    out = []
    for record in event.get("Records") or []:
        if "ses" in record:
            out.append(_from_ses(record["ses"], bucket, prefix))
        elif "s3" in record:
            s3 = record["s3"]
            # S3 event keys are URL-encoded (a space arrives as "+").
            out.append(StoredMail(s3["bucket"]["name"], unquote_plus(s3["object"]["key"])))
        else:
            out.append(StoredMail(ignored="ignored: not an SES or S3 record"))
    return out


def read_all(
    mails: list[StoredMail], s3: Callable[[], Any]
) -> Iterator[tuple[StoredMail, bytes | None]]:
    """Each mail with its raw bytes (None when ignored); the S3 client is built only when a
    message must be read. A failure to read raises, so Lambda tries again."""
    client = s3() if any(not m.ignored for m in mails) else None
    for mail in mails:
        if mail.ignored or client is None:
            yield mail, None
        else:
            yield mail, client.get_object(Bucket=mail.bucket, Key=mail.key)["Body"].read()
