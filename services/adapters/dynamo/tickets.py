"""The TicketRepository port on the table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex

from services.domain.errors import TicketNotFound
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.lifecycle import Status
from services.domain.ticket import FINISHED, Change, Ticket

from . import index_keys
from .codecs import PUBLIC_FINISHED, PUBLIC_OPEN, decode_event, decode_ticket
from .keys import EVENT_PREFIX, META, day_key, ticket_pk, utc_iso
from .models import CounterItem, EventItem, RequesterIndex, TicketItem, WipItem
from .partition import event_seq, partition_items
from .restore import append, restore
from .table import DynamoTable, is_condition_failure
from .transactions import Transaction

# A page of one status reads at most this many public index entries (and their tickets):
# the partition mixes statuses, so a rare one costs reads of others. Each Query asks for what
# the page still lacks but not fewer than PAGE_STEP, which bounds the round trips.
PAGE_READS = 200
PAGE_STEP = 25


def _number(entry: TicketItem) -> int:
    return int(entry.pk.removeprefix("TICKET#"))


class DynamoTicketRepository:
    """TicketRepository on the table; every change is one TransactWriteItems."""

    def __init__(self, table: DynamoTable):
        self.table = table
        table.bind()

    def next_number(self, count: int = 1) -> int:
        """The last of `count` new numbers. One UpdateItem with ADD: atomic, no read first."""
        counter = CounterItem("COUNTER", "TICKET")
        counter.update(actions=[CounterItem.value.add(count)])
        return int(counter.value)

    def add(
        self,
        ticket: Ticket,
        event: Event,
        *,
        receipt: Inbound | None = None,
        thread: str = "",
        replacing: int | None = None,
    ) -> None:
        """A new ticket; filed for a delivery (`receipt`), in the same transaction the
        delivery is marked applied and the tool's thread linked to it (moved from ticket
        `replacing`, when that one has it)."""
        self._save(ticket, Change(event), receipt=receipt, thread=thread, replacing=replacing)

    def save(
        self,
        ticket: Ticket,
        change: Change | Event,
        *,
        receipt: Inbound | None = None,
        thread: str = "",
    ) -> None:
        if isinstance(change, Event):
            change = Change(change)
        self._save(ticket, change, receipt=receipt, thread=thread)

    def _save(
        self,
        ticket: Ticket,
        change: Change,
        *,
        receipt: Inbound | None,
        thread: str,
        replacing: int | None = None,
    ) -> None:
        tx = Transaction(self.table)
        item = tx.change(ticket, change)
        if receipt is not None:
            tx.receipt(receipt, ticket.number, ticket.updated_at)
        if thread:
            tx.link(thread, ticket.number, ticket.updated_at, replacing)
        tx.commit()
        ticket.version = item.version

    def save_split(
        self, parent: Ticket, change: Change, children: Sequence[tuple[Ticket, Change]]
    ) -> None:
        """The parent's split and every new sub-ticket: one transaction (at most 100 items)."""
        tx = Transaction(self.table)
        items = [(parent, tx.change(parent, change))]
        items += [(child, tx.change(child, child_change)) for child, child_change in children]
        tx.commit()
        for ticket, item in items:
            ticket.version = item.version

    def save_merge(
        self, duplicate: Ticket, change: Change, target: Ticket, target_change: Change
    ) -> None:
        """The duplicate's merge and the target's note of it: one transaction (the two
        tickets, their events and the duplicate owner's WIP counter)."""
        tx = Transaction(self.table)
        items = [
            (duplicate, tx.change(duplicate, change)),
            (target, tx.change(target, target_change)),
        ]
        tx.commit()
        for ticket, item in items:
            ticket.version = item.version

    def get(self, number: int) -> Ticket:
        try:
            item = TicketItem.get(ticket_pk(number), META, consistent_read=True)
        except DoesNotExist:
            raise TicketNotFound(number) from None
        return decode_ticket(item)

    def get_many(self, numbers: Iterable[int]) -> dict[int, Ticket]:
        keys = [(ticket_pk(n), META) for n in dict.fromkeys(numbers)]
        return {int(i.number): decode_ticket(i) for i in TicketItem.batch_get(keys)}

    def history(self, number: int) -> list[Event]:
        # Consistent: the scheduler plans timers from it right after a change.
        items = EventItem.query(
            ticket_pk(number), EventItem.sk.startswith(EVENT_PREFIX), consistent_read=True
        )
        return [decode_event(i) for i in items]

    def get_with_history(self, number: int) -> tuple[Ticket, list[Event]]:
        """One consistent Query of the ticket's partition: the ticket (META) and its events
        (EVENT#...) up to its version (partition.py)."""
        ticket, newest_first = None, []
        for raw in partition_items(number):
            if raw["sk"]["S"] == META:
                ticket = decode_ticket(TicketItem.from_raw_data(raw))
            elif ticket is not None and event_seq(raw) <= (ticket.version or 0):
                newest_first.append(decode_event(EventItem.from_raw_data(raw)))
        if ticket is None:
            raise TicketNotFound(number)
        return ticket, newest_first[::-1]

    # -- queue views: GSI queries, oldest first ------------------------------------------------

    def _listed(self, found: Iterable[TicketItem], keep: Callable[[Ticket], bool]) -> list[Ticket]:
        """The tickets a keys-only index found, read by key (BatchGetItem), in the index's
        order. The index follows the table a moment late: a ticket that no longer matches
        what the index was asked (moved on, made private) is left out."""
        numbers = [_number(i) for i in found]
        tickets = self.get_many(numbers)
        return [tickets[n] for n in numbers if n in tickets and keep(tickets[n])]

    def _query(
        self,
        index: GlobalSecondaryIndex[TicketItem],
        key: str,
        limit: int,
        keep: Callable[[Ticket], bool],
    ) -> list[Ticket]:
        return self._listed(index.query(key, limit=limit), keep)

    def by_status(self, status: Status, limit: int = 200) -> list[Ticket]:
        if status in FINISHED:  # sparse: a finished ticket has no key (codecs.py)
            return []
        key = f"STATUS#{status.value}"
        return self._query(TicketItem.by_status, key, limit, lambda t: t.status is status)

    def by_owner(self, member: str, limit: int = 200) -> list[Ticket]:
        return self._query(
            TicketItem.by_owner, f"OWNER#{member}", limit, lambda t: t.is_open and t.owner == member
        )

    def escalated(self, limit: int = 200) -> list[Ticket]:
        return self._query(
            TicketItem.by_escalation, "ESCALATED", limit, lambda t: t.is_open and bool(t.escalation)
        )

    def due(self, now: datetime, limit: int = 500) -> list[int]:
        """Tickets with a timer due at `now`: one Query of the sparse timer index, which
        reads only the due items (KEYS_ONLY), never the table."""
        condition = TicketItem.timer_at <= utc_iso(now)
        items = TicketItem.by_next_timer.query("TIMER", condition, limit=limit)
        return [int(i.pk.removeprefix("TICKET#")) for i in items]

    def public(
        self, status: Status, *, limit: int = 100, newest_first: bool = False, after: str = ""
    ) -> tuple[list[Ticket], str]:
        """One page of a status from the sparse public index, whose partitions are open and
        finished tickets (codecs.py), not statuses: the tickets it finds are read by key and
        those of other statuses passed over, so a page may read more than it returns, at
        most PAGE_READS entries; a short page still gives its cursor. The cursor is the sort
        key of the last entry read (returned or passed over), so no ticket is shown twice
        or skipped."""
        key = PUBLIC_FINISHED if status in FINISHED else PUBLIC_OPEN
        kept: list[Ticket] = []
        cursor, read = after, 0
        while len(kept) < limit and read < PAGE_READS:
            want = min(max(limit - len(kept), PAGE_STEP), PAGE_READS - read)
            entries = list(self._public_entries(key, want, newest_first, cursor))
            tickets = self.get_many(_number(e) for e in entries)
            for entry in entries:
                read += 1
                cursor = entry.sort_at or ""
                t = tickets.get(_number(entry))
                # Never a private ticket, whatever the index still holds.
                if t is not None and not t.private and t.status is status:
                    kept.append(t)
                if len(kept) == limit:
                    break
            else:
                if len(entries) < want:  # the partition's end: nothing follows
                    return kept, ""
        return kept, cursor

    def _public_entries(
        self, key: str, limit: int, newest_first: bool, after: str
    ) -> Iterable[TicketItem]:
        start = None
        if after:
            start = {
                "public_key": {"S": key},
                "sort_at": {"S": after},
                "pk": {"S": ticket_pk(int(after.rpartition("#")[2]))},
                "sk": {"S": META},
            }
        return TicketItem.by_public.query(
            key, limit=limit, scan_index_forward=not newest_first, last_evaluated_key=start
        )

    def public_open(
        self, *, limit: int = 5000, newest_first: bool = False
    ) -> tuple[list[Ticket], bool]:
        """The open partition of the public index whole (up to `limit`): one Query, paged by
        DynamoDB, and its tickets by key."""
        results = TicketItem.by_public.query(
            PUBLIC_OPEN, limit=limit, scan_index_forward=not newest_first
        )
        found = list(results)
        tickets = self._listed(found, lambda t: not t.private and t.is_open)
        return tickets, bool(results.last_evaluated_key) and len(found) == limit

    def by_requester(self, email: str, limit: int = 200) -> list[Ticket]:
        address = email.lower()
        items = TicketItem.by_requester.query(
            f"REQUESTER#{address}", limit=limit, scan_index_forward=False
        )
        return self._listed(items, lambda t: t.requester.email == address)

    def filed_for(self, email: str, since: datetime, until: datetime, limit: int) -> int:
        # The index's sort key is the filing time (codecs.py sort_at): "<iso>#<number>".
        between = RequesterIndex.sort_at.between(
            since.isoformat(), f"{until.isoformat()}#9999999999"
        )
        found = TicketItem.by_requester.query(f"REQUESTER#{email.lower()}", between, limit=limit)
        return sum(1 for _ in found)

    def events_on(self, day: date) -> list[Event]:
        return [decode_event(i) for i in EventItem.by_day.query(day_key(day))]

    def renew_index_keys(self, numbers: Iterable[int]) -> int:
        return index_keys.renew(numbers)

    def open_counts(self, members: Iterable[str]) -> dict[str, int]:
        """Each member's open owned tickets, from the WIP counters (one BatchGetItem)."""
        counts = dict.fromkeys(members, 0)
        for item in WipItem.batch_get([(f"MEMBER#{m}", "WIP") for m in counts]):
            counts[item.pk.removeprefix("MEMBER#")] = int(item.open_count or 0)
        return counts

    # -- moving house (services/application/moving.py) ----------------------------------------

    def numbers(self) -> list[int]:
        """Every number: the tickets of 1..the counter, a BatchGetItem of 100 keys at a time
        (keys only). By key, not by the status index: a ticket changing status meanwhile is
        neither missed nor read twice; a number given out but never filed costs one key."""
        last = self._counter()
        found: list[int] = []
        for start in range(1, last + 1, 100):
            keys = [(ticket_pk(n), META) for n in range(start, min(start + 100, last + 1))]
            items = TicketItem.batch_get(keys, consistent_read=True, attributes_to_get=["pk"])
            found += [int(i.pk.removeprefix("TICKET#")) for i in items]
        return sorted(found)

    def _counter(self) -> int:
        try:
            return int(CounterItem.get("COUNTER", "TICKET", consistent_read=True).value)
        except DoesNotExist:
            return 0

    def reserve_through(self, number: int) -> None:
        """One conditional UpdateItem: set the counter to `number` if it is lower."""
        counter = CounterItem("COUNTER", "TICKET")
        lower = CounterItem.value.does_not_exist() | (CounterItem.value < number)
        try:
            counter.update(actions=[CounterItem.value.set(number)], condition=lower)
        except UpdateError as e:
            if not is_condition_failure(e):
                raise

    def restore(self, ticket: Ticket, events: Sequence[Event]) -> bool:
        return restore(self.table, ticket, events)

    def append_restored(self, ticket: Ticket, events: Sequence[Event]) -> bool:
        return append(self.table, ticket, events)
