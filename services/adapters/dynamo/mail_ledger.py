"""The MailLedger port on the table."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from services.domain.ports import Clock

from .keys import ticket_pk
from .models import MailLedgerItem
from .table import DynamoTable, is_condition_failure


def _item(ticket: int, event_id: str, recipient: str) -> MailLedgerItem:
    return MailLedgerItem(ticket_pk(ticket), f"MAIL#{event_id}#{recipient.lower()}")


class DynamoMailLedger:
    """MailLedger as one conditional put per mail in the ticket's partition: the claim is the
    record, nothing is written after the send."""

    def __init__(self, table: DynamoTable, clock: Clock):
        table.bind()
        self.clock = clock

    def claim(self, ticket: int, event_id: str, recipient: str) -> bool:
        item = _item(ticket, event_id, recipient)
        item.claimed_at = self.clock.now()
        try:
            item.save(condition=MailLedgerItem.pk.does_not_exist())
        except PutError as e:
            if is_condition_failure(e):
                return False
            raise
        return True

    def release(self, ticket: int, event_id: str, recipient: str) -> None:
        _item(ticket, event_id, recipient).delete()
