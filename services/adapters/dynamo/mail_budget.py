"""The MailBudget port on the table: pk MAILBUDGET#<sha256 of the address>, sk H#<hour's
epoch>, a counter taken by one conditional UpdateItem (ADD taken 1 if taken < limit) and
removed by DynamoDB's TTL an hour after its hour. The relay's stream filter lets it by (it is
neither an event nor an inbox item)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import UpdateError

from services.domain.tokens import token_digest

from .models import ItemModel
from .table import DynamoTable, is_condition_failure

HOUR_SECONDS = 3600


class MailBudgetItem(ItemModel):
    taken = NumberAttribute(default=0)
    expires_at = NumberAttribute()  # epoch seconds (TTL)


class DynamoMailBudget:
    def __init__(self, table: DynamoTable):
        table.bind()

    def take(self, address: str, hour: datetime, limit: int) -> bool:
        if limit <= 0:
            return False
        start = int(hour.timestamp())
        Budget = MailBudgetItem
        item = Budget(f"MAILBUDGET#{token_digest(address.lower())}", f"H#{start}")
        try:
            item.update(
                actions=[Budget.taken.add(1), Budget.expires_at.set(start + 2 * HOUR_SECONDS)],
                condition=Budget.taken.does_not_exist() | (Budget.taken < limit),
            )
        except UpdateError as e:
            if is_condition_failure(e):
                return False
            raise
        return True
