"""Lambda entry for the notify queue: the mails each event calls for
(services/application/notify.py; who hears what: services/application/mail_rules.py)."""

from __future__ import annotations

import json

from services.application.notify import handle_event
from services.domain.events import Event
from services.lambda_sqs import SqsRecord, batch_handler


def record_handler(record: SqsRecord) -> None:
    from services.adapters.bootstrap import container

    handle_event(Event.from_message(json.loads(record.body)), container().notify_deps)


handler = batch_handler(record_handler)
