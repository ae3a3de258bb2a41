"""The Inbox port on the table."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError

from services.domain.inbound import Inbound

from .keys import INBOX_DAYS, META, inbox_pk, link_pk
from .models import TableModels
from .transactions import is_condition_failure


class DynamoInbox:
    """Inbox on the table: a conditional put per delivery; the stream does the enqueueing."""

    def __init__(self, models: TableModels, clock):
        self.models = models
        self.clock = clock

    def record(self, message: Inbound) -> bool:
        now = self.clock.now()
        item = self.models.Inbox(
            inbox_pk(message),
            META,
            message=message.model_dump_json(),
            received_at=now,
            expires_at=int(now.timestamp()) + INBOX_DAYS * 86400,
        )
        try:
            item.save(condition=self.models.Inbox.pk.does_not_exist())
        except PutError as e:
            if is_condition_failure(e):
                return False
            raise
        return True

    def settle(self, message: Inbound, outcome: str) -> bool:
        from pynamodb.exceptions import UpdateError

        Inbox = self.models.Inbox
        try:
            Inbox(inbox_pk(message), META).update(
                actions=[Inbox.applied_at.set(self.clock.now()), Inbox.outcome.set(outcome[:500])],
                condition=Inbox.pk.exists() & Inbox.applied_at.does_not_exist(),
            )
        except UpdateError as e:
            if is_condition_failure(e):
                return False
            raise
        return True

    def linked(self, thread: str) -> int | None:
        try:
            return int(self.models.Link.get(link_pk(thread), META, consistent_read=True).ticket)
        except DoesNotExist:
            return None

    def outcome(self, message: Inbound) -> str | None:
        """What became of a delivery (None while it waits); for tests and the CLI."""
        try:
            item = self.models.Inbox.get(inbox_pk(message), META, consistent_read=True)
        except DoesNotExist:
            return None
        return item.outcome
