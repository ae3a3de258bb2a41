"""Lambda entry for mail in (AWS): each message SES stored in S3 is read and recorded once
(services/application/mail_in.py); applying it happens on the inbound queue. The answer
names each message's outcome; for SES's synchronous (RequestResponse) invocation it also says
CONTINUE, so later actions of the receipt rule still run."""

from __future__ import annotations

import logging
from typing import Any

from services.adapters.stored_mail import read_all, stored_mails
from services.application.mail_in import receive

log = logging.getLogger(__name__)


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    from services.adapters.bootstrap import container

    c = container()
    mails = stored_mails(event, c.settings.mail_bucket, c.settings.mail_prefix)
    results: list[dict[str, str]] = []
    for mail, raw in read_all(mails, lambda: c.client("s3")):
        outcome = (
            mail.ignored
            if raw is None
            else receive(
                raw,
                c.flow,
                c.inbox,
                c.attachments,
                c.attachment_limits,
                sender_verified=mail.verified,
            )
        )
        log.info("mail in: s3://%s/%s %s", mail.bucket, mail.key, outcome)
        results.append({"key": mail.key, "outcome": outcome} if mail.key else {"outcome": outcome})
    return {"disposition": "CONTINUE", "results": results}
