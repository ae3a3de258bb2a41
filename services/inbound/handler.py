"""Lambda entry for the inbound queue: webhook deliveries and mail, recorded by the web app
and the mail gateway, applied here once (services/application/inbound.py).

What is expected logs one line: a delivery applied or settled, and one that waits for its
thread's ticket (the queue brings it back). Only an error nobody expected logs a traceback."""

from __future__ import annotations

import logging

from services.application.inbound import LAST_TRY, NotYet, apply
from services.domain.inbound import Inbound
from services.lambda_sqs import SqsRecord, batch_handler, receive_count

log = logging.getLogger(__name__)


def record_handler(record: SqsRecord) -> str:
    from services.adapters.bootstrap import container

    message = Inbound.model_validate_json(record.body)
    receives = receive_count(record)
    try:
        outcome = apply(message, container().inbound_deps, last_try=receives >= LAST_TRY)
    except NotYet as e:
        log.info(
            "inbound %s: %s; tried again later (try %d of %d)", message.key, e, receives, LAST_TRY
        )
        raise
    except Exception:
        log.exception("inbound %s: not applied (try %d of %d)", message.key, receives, LAST_TRY)
        raise
    log.info("inbound %s: %s", message.key, outcome)
    return outcome


# A batch whose every message failed is answered like any other: each listed, nothing raised
# (raising would log every failure again, with its traceback, for a wait that is expected).
handler = batch_handler(record_handler, all_failed_is_partial=True)
