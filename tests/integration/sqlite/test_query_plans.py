"""No read on a request path scans a table: every view is one range of its index, read in
the order the view wants, and every statement the adapters run (caught as they run) finds
its rows by a key or an index."""

from __future__ import annotations

import re

import pytest

from services.adapters.sqlite import (
    SqliteDeliveryLog,
    SqliteMailLedger,
    SqliteRequesterLinks,
    SqliteStaffTokens,
    expire,
)
from services.adapters.sqlite import queries as q
from services.adapters.sqlite import search as found
from services.adapters.sqlite.deliveries import RECENT
from services.adapters.sqlite.outbox import AFTER
from services.adapters.sqlite.search import SqliteTicketSearch
from services.domain.deliveries import RETRYING, Attempt
from services.domain.inbound import Inbound
from services.domain.lifecycle import FINISHED, Status
from services.domain.search import SearchQuery
from services.domain.ticket import Change
from tests.contract.builders import T0, escalation, event, finished, minutes, stored, taken

# Each ticket view: its query, the index it must read, and that the index gives its order.
VIEWS = {
    "by_status": (q.BY_STATUS, "tickets_by_status"),
    "by_owner": (q.BY_OWNER, "tickets_by_owner"),
    "escalated": (q.ESCALATED, "tickets_escalated"),
    "by_requester": (q.BY_REQUESTER, "tickets_by_requester"),
    "public, oldest first": (q.PUBLIC_OLDEST, "tickets_public"),
    "public, newest first": (q.PUBLIC_NEWEST, "tickets_public"),
    "public, after a cursor": (q.PUBLIC_AFTER, "tickets_public"),
    "public, before a cursor": (q.PUBLIC_BEFORE, "tickets_public"),
    "events of a day": (q.EVENTS_ON, "events_by_day"),
    "history": (q.HISTORY, "sqlite_autoindex_events_1"),
}
# The other reads: the index each one must use (they may sort what they found).
READS = {
    "get": (q.GET, "INTEGER PRIMARY KEY"),
    "get_many": (q.get_many(3), "INTEGER PRIMARY KEY"),
    "open_counts": (q.open_counts(2), "PRIMARY KEY"),
    "due timers": (q.DUE, "COVERING INDEX timers_by_due (due<?)"),
    # Every open status's range of the public index, then sorted: the open queue read whole.
    "the open public queue": (q.PUBLIC_OPEN_OLDEST, "INDEX tickets_public (public_status=?)"),
    "the open public queue, newest first": (
        q.PUBLIC_OPEN_NEWEST,
        "INDEX tickets_public (public_status=?)",
    ),
    "recent deliveries": (RECENT, "INDEX deliveries_by_first_attempt"),
    "a requester's filings in a range": (q.FILED_FOR, "INDEX tickets_by_requester"),
    "the outbox after a position": (AFTER, "INTEGER PRIMARY KEY (rowid>?)"),
    # The full-text index: FTS5 names the constraints it uses after the colon (M: a match,
    # < > a rowid range, =: one rowid); the matches come in rowid order, no sort.
    "search, newest first": (found.NEWEST, "VIRTUAL TABLE INDEX 192:M"),
    "search, oldest first": (found.OLDEST, "VIRTUAL TABLE INDEX 64:M"),
    "search, the matching numbers": (found.MATCHING_NUMBERS, "VIRTUAL TABLE INDEX 0:M"),
    "every ticket, newest first": (found.EVERY_NEWEST, "INTEGER PRIMARY KEY (rowid<?)"),
    "every ticket, oldest first": (found.EVERY_OLDEST, "INTEGER PRIMARY KEY (rowid>?)"),
    "every number": (found.EVERY_NUMBER, "INTEGER PRIMARY KEY (rowid>?)"),
}


def plan(db, sql: str) -> list[str]:
    """EXPLAIN QUERY PLAN's lines, every parameter bound to NULL."""
    numbered = [int(n) for n in re.findall(r"\?(\d+)", sql)]
    count = max(numbered) if numbered else sql.count("?")
    return [r["detail"] for r in db.rows(f"EXPLAIN QUERY PLAN {sql}", [None] * count)]


# A virtual table reports every read as SCAN; an FTS5 read that uses a constraint (a match,
# a rowid) names it after the colon of its index, and a read of everything names none.
_VIRTUAL_LOOKUP = re.compile(r"^SCAN \S+ VIRTUAL TABLE INDEX \d+:\S")


def scans(details: list[str]) -> list[str]:
    return [d for d in details if d.startswith("SCAN") and not _VIRTUAL_LOOKUP.match(d)]


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_reads_a_range_of_its_index_in_order(db, view):
    sql, index = VIEWS[view]
    details = plan(db, sql)
    assert scans(details) == []
    assert any(f"USING INDEX {index} (" in d for d in details), details
    assert not any("TEMP B-TREE" in d for d in details), details  # no sort of its own


@pytest.mark.parametrize("read", READS)
def test_every_other_read_uses_a_key_or_an_index(db, read):
    sql, index = READS[read]
    details = plan(db, sql)
    assert scans(details) == []
    assert any(index in d for d in details), details


def workload(db, tickets, inbox, outbox, clock, tag: str = "plans") -> None:
    """A call of every method of every adapter."""
    message = Inbound(source="github", delivery=tag, action="open", thread=tag, draft={})
    inbox.record(message)
    t = stored(tickets, timers={"sla": T0 + minutes(5)})
    u = stored(tickets, escalation=escalation())
    tickets.save(t, taken(t, "priya", limit=3), receipt=message, thread=f"{tag}-thread")
    tickets.save(t, Change(event(t)))
    u.status = Status.REJECTED
    tickets.save(u, Change(event(u, "ticket.rejected")))
    tickets.save(t, finished(t, "priya"))
    tickets.save(t, Change(None, require_finished=(u.number,)))
    tickets.get(t.number), tickets.get_many([t.number, u.number]), tickets.history(t.number)
    for status in Status:
        tickets.by_status(status), tickets.public(status, limit=1)
    tickets.public_open(), tickets.public_open(newest_first=True)
    tickets.renew_index_keys([t.number, u.number])
    page, cursor = tickets.public(Status.NEW, limit=1)
    tickets.public(Status.NEW, after=cursor or f"{'0' * 10}#1")
    tickets.public(Status.NEW, after=cursor or f"{'0' * 10}#1", newest_first=True)
    tickets.by_owner("priya"), tickets.escalated(), tickets.by_requester("ana@example.org")
    tickets.filed_for("ana@example.org", T0, T0 + minutes(60), limit=11)
    inbox.record(message.model_copy(update={"delivery": f"{tag}-2", "replay_key": tag}))
    tickets.due(T0 + minutes(10)), tickets.events_on(T0.date()), tickets.open_counts(["priya"])
    inbox.settle(message, "done"), inbox.linked(f"{tag}-thread"), inbox.outcome(message)
    ledger = SqliteMailLedger(db, clock)
    ledger.claim(t.number, "e1", "ana@example.org"), ledger.release(t.number, "e1", "ana@x.org")
    ledger.claim(t.number, "e2", "ana@example.org")
    staff = SqliteStaffTokens(db, clock)
    token = staff.issue("priya")
    staff.verify(token), staff.revoke_all("priya")
    links = SqliteRequesterLinks(db, clock)
    links.redeem(links.issue("ana@example.org") or "")
    log = SqliteDeliveryLog(db, clock)
    log.record(Attempt("d1", "ops", t.number, "e1", "ticket.filed", T0, RETRYING, 503))
    log.state(t.number, "d1"), log.for_ticket(t.number), log.recent()
    outbox.after(0), outbox.last(), outbox.advance("relay", 3), outbox.position("relay")
    search = SqliteTicketSearch(db)
    for sort in ("newest", "oldest", "updated"):
        search.search(SearchQuery.of("replica", sort=sort, statuses=FINISHED, owner="priya"))
        search.search(SearchQuery.of("", sort=sort))
    search.search(SearchQuery.of("replica", public=True, type="general"))
    search.reindex([t.number, u.number])
    expire(db, T0)


def test_no_statement_any_adapter_runs_scans_a_table(db, tickets, inbox, outbox, clock):
    ran: list[str] = []
    db.connection().set_trace_callback(ran.append)
    workload(db, tickets, inbox, outbox, clock)
    db.connection().set_trace_callback(None)
    # "-- ..." is a statement SQLite runs itself, inside FTS5 (its shadow tables, by key).
    statements = {s for s in ran if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|PRAGMA|--)", s)}
    assert len(statements) > 40
    scanning = {s: scans(plan(db, s)) for s in statements}
    assert {s: found for s, found in scanning.items() if found} == {}
