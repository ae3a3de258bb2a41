"""What `rtflow import` writes: an exported ticket and its history, in one TransactWriteItems.

The ticket keeps its number and version; its events get the positions 1..n of its history
(n is never above the version, so the next change's event finds its key free). Each event
item is marked `restored`: the table's stream still carries it, and the relay passes it by
(streams.py), so an imported event reaches no consumer (no mail, no triage, no webhook).

A transaction holds at most 100 items. A history longer than that (the ticket, its WIP
counter and 98 events) is written oldest first in transactions of its own, the ticket last
with the newest events: the ticket appears, whole, only with its last write. An import
stopped in between leaves event items without their ticket, which the next import of the
same file writes again (each event's condition admits its own id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from services.domain.events import Event
from services.domain.ticket import Ticket

from .codecs import decode_ticket, encode_event, encode_ticket
from .keys import META, ticket_pk
from .models import EventItem, TicketItem, WipItem
from .table import DynamoTable

MAX_ITEMS = 100  # TransactWriteItems' limit


def _exists(number: int) -> bool:
    try:
        TicketItem.get(ticket_pk(number), META, consistent_read=True, attributes_to_get=["pk"])
    except DoesNotExist:
        return False
    return True


def _ticket_put(ticket: Ticket, version: int) -> dict[str, Any]:
    """A put of the new ticket item at `version`: pynamodb writes a new versioned item at
    version 1, on condition that none exists; the stored version is then set to the ticket's."""
    put = encode_ticket(replace(ticket, version=None)).get_save_kwargs_from_instance()
    put["Item"][TicketItem.version.attr_name] = {"N": str(version)}
    return put


def _event_put(event: Event, seq: int) -> dict[str, Any]:
    item = encode_event(event, seq)
    item.restored = True
    # Free, or this very event from an import that stopped before its ticket was written.
    condition = EventItem.pk.does_not_exist() | (EventItem.id == event.id)
    return item.get_save_kwargs_from_instance(condition=condition)


def _commit(table: DynamoTable, puts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> bool:
    try:
        table.connection.transact_write_items([], [], puts, updates)
    except TransactWriteError as e:
        reasons = getattr(e, "cancellation_reasons", None) or []
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
            return False
        raise
    return True


def _stored_owner(number: int) -> str | None:
    """The owner the stored ticket counts against, if it is open and owned."""
    try:
        stored = decode_ticket(TicketItem.get(ticket_pk(number), META, consistent_read=True))
    except DoesNotExist:
        return None
    return stored.owner if stored.is_open else None


def append(table: DynamoTable, ticket: Ticket, events: Sequence[Event]) -> bool:
    """A restored ticket's new state and more of its history: the ticket's put is guarded by
    the version it was read at (pynamodb adds the condition) and written last, with the
    newest events, as `restore` writes; False when the ticket changed meanwhile."""
    read = ticket.version or 0
    was, now = _stored_owner(ticket.number), ticket.owner if ticket.is_open else None
    puts = [_event_put(e, seq) for seq, e in enumerate(events, start=read + 1)]
    updates = []
    if was != now:
        for member, delta in ((was, -1), (now, 1)):
            if member:
                wip = WipItem(f"MEMBER#{member}", "WIP")
                updates.append(wip.get_update_kwargs_from_instance([WipItem.open_count.add(delta)]))
    put = encode_ticket(ticket).get_save_kwargs_from_instance()
    put["Item"][TicketItem.version.attr_name] = {"N": str(read + max(len(events), 1))}
    room = MAX_ITEMS - 1 - len(updates)
    head, tail = puts[: max(len(puts) - room, 0)], puts[max(len(puts) - room, 0) :]
    for start in range(0, len(head), MAX_ITEMS):
        if not _commit(table, head[start : start + MAX_ITEMS], []):
            return False
    return _commit(table, [*tail, put], updates)


def restore(table: DynamoTable, ticket: Ticket, events: Sequence[Event]) -> bool:
    """False, with the ticket not written, when its number (or an event's key) is taken."""
    if _exists(ticket.number):
        return False
    puts = [_event_put(e, seq) for seq, e in enumerate(events, start=1)]
    updates = []
    if ticket.owner and ticket.is_open:
        wip = WipItem(f"MEMBER#{ticket.owner}", "WIP")
        updates.append(wip.get_update_kwargs_from_instance([WipItem.open_count.add(1)]))
    room = MAX_ITEMS - 1 - len(updates)
    head, tail = puts[: max(len(puts) - room, 0)], puts[max(len(puts) - room, 0) :]
    for start in range(0, len(head), MAX_ITEMS):
        if not _commit(table, head[start : start + MAX_ITEMS], []):
            return False
    version = max(ticket.version or 0, len(events), 1)
    return _commit(table, [*tail, _ticket_put(ticket, version)], updates)
