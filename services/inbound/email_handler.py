"""Lambda entry for mail in (AWS): SES's receipt rule stores each message in S3 (its S3
action, key `<prefix><SES messageId>`), then invokes this function (its Lambda action).

Two event shapes are accepted:
- SES (`Records[].ses`): the object is `settings.mail_bucket` / `settings.mail_prefix` +
  `mail.messageId`. A message SES judged spam or a virus is ignored unread.
- S3 (`Records[].s3`, ObjectCreated): the object named by the record, for a setup that
  triggers on the bucket instead of from the receipt rule.

Each message is read and recorded once (`mail_in.receive`); applying it happens on the inbound
queue. A failure to read S3 or to record raises, so Lambda tries again (recording is
idempotent). The answer names each message's outcome; for SES's synchronous (RequestResponse)
invocation it also says CONTINUE, so later actions of the rule still run.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote_plus

from .mail_in import receive

log = logging.getLogger(__name__)

# DMARC FAIL: the From address is forged by its own domain's word, and the mail gateway
# trusts From to tell the requester and the team from strangers.
_REJECTED_VERDICTS = ("spamVerdict", "virusVerdict", "dmarcVerdict")


def _objects(event: dict[str, Any], bucket: str, prefix: str) -> list[tuple[str, str] | str]:
    """(bucket, key) of each record's message, or the reason it is ignored unread."""
    out: list[tuple[str, str] | str] = []
    for record in event.get("Records") or []:
        if "ses" in record:
            ses = record["ses"]
            receipt = ses.get("receipt") or {}
            failed = [
                v for v in _REJECTED_VERDICTS if (receipt.get(v) or {}).get("status") == "FAIL"
            ]
            if failed:
                out.append(f"ignored: SES {' and '.join(failed)} FAIL")
                continue
            if not bucket:
                raise RuntimeError("RTFLOW_MAIL_BUCKET is not set: where does SES store mail?")
            out.append((bucket, f"{prefix}{ses['mail']['messageId']}"))
        elif "s3" in record:
            s3 = record["s3"]
            # S3 event keys are URL-encoded (a space arrives as "+").
            out.append((s3["bucket"]["name"], unquote_plus(s3["object"]["key"])))
        else:
            out.append("ignored: not an SES or S3 record")
    return out


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    from services.adapters.bootstrap import container

    c = container()
    objects = _objects(event, c.settings.mail_bucket, c.settings.mail_prefix)
    s3 = c.client("s3") if any(isinstance(o, tuple) for o in objects) else None
    results = []
    for item in objects:
        if isinstance(item, str):
            log.info("mail in: %s", item)
            results.append({"outcome": item})
            continue
        bucket, key = item
        raw = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        outcome = receive(raw, c.flow, c.inbox)
        log.info("mail in: s3://%s/%s %s", bucket, key, outcome)
        results.append({"key": key, "outcome": outcome})
    return {"disposition": "CONTINUE", "results": results}
