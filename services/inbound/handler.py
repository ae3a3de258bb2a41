"""Lambda entry for the inbound queue: webhook deliveries and mail, recorded by the web app
and the mail gateway, applied here (SQS batch, partial failures, then the dead-letter queue)."""

from __future__ import annotations

import logging

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.domain.inbound import Inbound

from .logic import InboundDeps, apply

_processor = BatchProcessor(event_type=EventType.SQS)
log = logging.getLogger(__name__)
# The inbound queue dead-letters after 5 receives (infra/resources/queues.yml): a delivery
# that is still waiting for its thread's ticket is settled as ignored on the 4th.
LAST_TRY = 4


def _deps() -> InboundDeps:
    from services.adapters.bootstrap import container

    c = container()
    return InboundDeps(
        tickets=c.tickets,
        inbox=c.inbox,
        flow=c.flow,
        clock=c.clock,
        secret_key=c.settings.secret_key,
    )


def record_handler(record: SQSRecord) -> str:
    message = Inbound.model_validate_json(record.body)
    last_try = int(record.attributes.approximate_receive_count) >= LAST_TRY
    outcome = apply(message, _deps(), last_try=last_try)
    log.info("inbound %s: %s", message.key, outcome)
    return outcome


def handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=_processor, context=context
    )
