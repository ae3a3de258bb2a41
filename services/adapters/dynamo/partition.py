"""A ticket's partition read in one consistent Query: the ticket and its events (and, for the
search's keeper, the TERMS item that sorts after the ticket).

Read newest first, so the ticket (META, which sorts after every EVENT#) comes before its
events: a Query is read-committed item by item, not a snapshot, and a change committed while
it runs could otherwise give the ticket at a version whose event the read passed already.
Events above the version read are a later change's, left out: the pair is the ticket at one
version and exactly its history. DynamoDB refuses a filter on a key attribute, so the other
items between them (the mail ledger's MAIL#..., webhook deliveries' HOOK#...) are read and
passed over here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .keys import EVENT_PREFIX, META, ticket_pk
from .models import TicketItem


def partition_items(number: int, also: str = "") -> Iterator[dict[str, Any]]:
    """The raw items, newest first: the item whose sort key is `also` (it must sort after
    META), META, then the EVENT#... items; page by page (1 MB each)."""
    connection = TicketItem._get_connection()
    wanted = {META, also} - {""}
    start: dict[str, Any] | None = None
    while True:
        page = connection.query(
            ticket_pk(number),
            range_key_condition=TicketItem.sk.between(EVENT_PREFIX, also or META),
            consistent_read=True,
            scan_index_forward=False,
            exclusive_start_key=start,
        )
        for item in page.get("Items", []):
            sk = item["sk"]["S"]
            if sk in wanted or sk.startswith(EVENT_PREFIX):
                yield item
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def event_seq(item: dict[str, Any]) -> int:
    """The version of the change that wrote an EVENT# item (keys.event_key)."""
    return int(item["sk"]["S"].removeprefix(EVENT_PREFIX))
