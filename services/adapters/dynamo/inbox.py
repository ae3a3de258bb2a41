"""The Inbox port on the table."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from services.domain.inbound import Inbound
from services.domain.ports import Clock

from .keys import META, inbox_pk, link_pk
from .models import InboxItem, LinkItem
from .table import DynamoTable, is_condition_failure

# The key of a hook body's digest (Inbound.replay_key): not INBOX#, so the stream passes it by.
REPLAY_PREFIX = "REPLAY#"
# Deliveries are remembered this long: a tool redelivering later than that files again.
INBOX_DAYS = 90


class DynamoInbox:
    """Inbox on the table: a conditional put per delivery; the stream does the enqueueing."""

    def __init__(self, table: DynamoTable, clock: Clock):
        table.bind()
        self.table = table
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
        if message.replay_key:
            return self._record_with_body(item, message, int(now.timestamp()))
        try:
            item.save(condition=InboxItem.pk.does_not_exist())
        except PutError as e:
            if is_condition_failure(e):
                return False
            raise
        return True

    def _record_with_body(self, item: InboxItem, message: Inbound, epoch: int) -> bool:
        """The delivery and its body's key in one transaction: either is a duplicate. The
        body's key is no inbox item (the stream passes it by) and expires with its window."""
        body = InboxItem(
            f"{REPLAY_PREFIX}{message.replay_key}",
            META,
            message="",
            received_at=item.received_at,
            expires_at=epoch + message.replay_seconds,
        )
        free = InboxItem.pk.does_not_exist() | (InboxItem.expires_at <= epoch)
        try:
            with TransactWrite(connection=self.table.connection) as tx:
                tx.save(body, condition=free)
                tx.save(item, condition=InboxItem.pk.does_not_exist())
        except TransactWriteError as e:
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
