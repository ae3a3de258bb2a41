"""Lambda entry for the notify queue: the mails each event calls for
(services/application/notify.py; who hears what: services/application/mail_rules.py)."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.application.notify import handle_event
from services.domain.events import Event
from services.lambda_sqs import batch_handler


def record_handler(record: SQSRecord) -> None:
    from services.adapters.bootstrap import container

    handle_event(Event.from_message(json.loads(record.body)), container().notify_deps)


handler = batch_handler(record_handler)
