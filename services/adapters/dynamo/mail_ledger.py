"""The MailLedger port on the table."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from .keys import ticket_pk
from .models import TableModels
from .transactions import is_condition_failure


class DynamoMailLedger:
    """MailLedger as conditional puts in the ticket's partition."""

    def __init__(self, models: TableModels, clock):
        self.models = models
        self.clock = clock

    def _key(self, ticket: int, event_id: str, recipient: str) -> tuple[str, str]:
        return ticket_pk(ticket), f"MAIL#{event_id}#{recipient.lower()}"

    def claim(self, ticket: int, event_id: str, recipient: str) -> bool:
        item = self.models.MailLedger(
            *self._key(ticket, event_id, recipient), claimed_at=self.clock.now()
        )
        try:
            item.save(condition=self.models.MailLedger.pk.does_not_exist())
        except PutError as e:
            if is_condition_failure(e):
                return False
            raise
        return True

    def release(self, ticket: int, event_id: str, recipient: str) -> None:
        # Never release a mail that is recorded as sent.
        item = self.models.MailLedger(*self._key(ticket, event_id, recipient))
        item.delete(condition=self.models.MailLedger.message_id.does_not_exist())

    def mark_sent(self, ticket: int, event_id: str, recipient: str, message_id: str) -> None:
        item = self.models.MailLedger(*self._key(ticket, event_id, recipient))
        item.update(
            actions=[self.models.MailLedger.message_id.set(message_id)],
            condition=self.models.MailLedger.pk.exists(),
        )
