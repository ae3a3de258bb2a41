"""Lambda entry for the table's stream (NEW_IMAGE): new event items and new inbox items.

If publishing fails, the first record not yet published is reported as the batch item
failure, so Lambda checkpoints before it and retries from there (services/application/relay.py).
"""

from __future__ import annotations

from typing import Any

from services.adapters.stream_records import decoded_inserts
from services.application.relay import relay_batch


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from services.adapters.bootstrap import container

    failed = relay_batch(decoded_inserts(event), container().outlets)
    return {"batchItemFailures": [{"itemIdentifier": failed}] if failed else []}
