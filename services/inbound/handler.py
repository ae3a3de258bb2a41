"""Lambda entry for the inbound queue: webhook deliveries and mail, recorded by the web app
and the mail gateway, applied here once (services/application/inbound.py)."""

from __future__ import annotations

import logging

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.application.inbound import LAST_TRY, apply
from services.domain.inbound import Inbound
from services.lambda_sqs import batch_handler, receive_count

log = logging.getLogger(__name__)


def record_handler(record: SQSRecord) -> str:
    from services.adapters.bootstrap import container

    message = Inbound.model_validate_json(record.body)
    outcome = apply(message, container().inbound_deps, last_try=receive_count(record) >= LAST_TRY)
    log.info("inbound %s: %s", message.key, outcome)
    return outcome


handler = batch_handler(record_handler)
