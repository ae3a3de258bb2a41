"""The Inbox port on the table."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from services.domain.inbound import Inbound
from services.domain.ports import Clock

from .keys import META, inbox_pk, link_pk
from .models import InboxItem, LinkItem
from .table import DynamoTable, is_condition_failure

# Deliveries are remembered this long: a tool redelivering later than that files again.
INBOX_DAYS = 90


class DynamoInbox:
    """Inbox on the table: a conditional put per delivery; the stream does the enqueueing."""

    def __init__(self, table: DynamoTable, clock: Clock):
        table.bind()
        self.clock = clock

    def record(self, message: Inbound) -> bool:
        now = self.clock.now()
        item = InboxItem(
            inbox_pk(message),
            META,
            message=message.model_dump_json(),
            received_at=now,
            expires_at=int(now.timestamp()) + INBOX_DAYS * 86400,
        )
        try:
            item.save(condition=InboxItem.pk.does_not_exist())
        except PutError as e:
            if is_condition_failure(e):
                return False
            raise
        return True

    def settle(self, message: Inbound, outcome: str) -> bool:
        try:
            InboxItem(inbox_pk(message), META).update(
                actions=[
                    InboxItem.applied_at.set(self.clock.now()),
                    InboxItem.outcome.set(outcome[:500]),
                ],
                condition=InboxItem.pk.exists() & InboxItem.applied_at.does_not_exist(),
            )
        except UpdateError as e:
            if is_condition_failure(e):
                return False
            raise
        return True

    def linked(self, thread: str) -> int | None:
        try:
            return int(LinkItem.get(link_pk(thread), META, consistent_read=True).ticket)
        except DoesNotExist:
            return None

    def outcome(self, message: Inbound) -> str | None:
        """What became of a delivery (None while it waits); for tests and the CLI."""
        try:
            item = InboxItem.get(inbox_pk(message), META, consistent_read=True)
        except DoesNotExist:
            return None
        return item.outcome
