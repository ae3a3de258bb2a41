"""A ticket's partition read in one consistent Query: its events and the ticket (and, for the
search's keeper, the TERMS item that sorts after them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .keys import EVENT_PREFIX, META, ticket_pk
from .models import TicketItem


# Other items of the partition sort between the two: the mail ledger's claims (MAIL#...)
# and webhook deliveries (HOOK#...). Read by the Query, left out by its filter.
def partition_items(number: int, also: str = "") -> Iterator[dict[str, Any]]:
    """The raw EVENT#... items, oldest first, then META (then the item whose sort key is
    `also`, which must sort after META); page by page (1 MB each)."""
    connection = TicketItem._get_connection()
    wanted = TicketItem.sk.startswith(EVENT_PREFIX) | (TicketItem.sk == META)
    if also:
        wanted |= TicketItem.sk == also
    start: dict[str, Any] | None = None
    while True:
        page = connection.query(
            ticket_pk(number),
            range_key_condition=TicketItem.sk.between(EVENT_PREFIX, also or META),
            filter_condition=wanted,
            consistent_read=True,
            exclusive_start_key=start,
        )
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return
