"""What was committed is in the file: closed and opened again, or killed without closing,
every kind of row reads back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from services.adapters.sqlite import (
    SqliteDatabase,
    SqliteDeliveryLog,
    SqliteInbox,
    SqliteMailLedger,
    SqliteOutbox,
    SqliteRequesterLinks,
    SqliteStaffTokens,
    SqliteTicketRepository,
)
from services.domain.deliveries import DELIVERED, Attempt
from services.domain.inbound import Inbound
from services.domain.ticket import Change
from tests.contract.builders import T0, escalation, event, minutes, stored, taken

ROOT = Path(__file__).resolve().parents[3]


def adapters(db, clock) -> dict[str, object]:
    return {
        "tickets": SqliteTicketRepository(db),
        "inbox": SqliteInbox(db, clock),
        "ledger": SqliteMailLedger(db, clock),
        "staff": SqliteStaffTokens(db, clock),
        "links": SqliteRequesterLinks(db, clock),
        "deliveries": SqliteDeliveryLog(db, clock),
        "outbox": SqliteOutbox(db),
    }


def test_every_kind_of_row_survives_closing_and_opening_again(db_path, clock):
    db = SqliteDatabase(db_path)
    a = adapters(db, clock)
    tickets = a["tickets"]
    message = Inbound(source="github", delivery="d1", action="open", thread="gh#1", draft={})
    a["inbox"].record(message)
    t = stored(tickets, timers={"sla": T0 + minutes(5)}, escalation=escalation())
    tickets.save(t, taken(t, "priya"), receipt=message, thread="gh#1")
    settled = Inbound(source="github", delivery="d2", action="comment", ticket=t.number)
    a["inbox"].record(settled), a["inbox"].settle(settled, "nothing to do")
    a["ledger"].claim(t.number, "e1", "ana@example.org")
    staff_token = a["staff"].issue("priya", "laptop")
    link = a["links"].issue("ana@example.org")
    a["deliveries"].record(Attempt("h1", "ops", t.number, "e1", "ticket.filed", T0, DELIVERED))
    a["outbox"].advance("relay", 2)
    db.close()

    again = adapters(SqliteDatabase(db_path), clock)
    tickets = again["tickets"]
    assert tickets.get(t.number) == t
    assert [e.kind for e in tickets.history(t.number)] == ["ticket.filed", "ticket.assigned"]
    assert tickets.due(T0 + minutes(5)) == [t.number]
    assert tickets.escalated() == [t]
    assert tickets.open_counts(["priya"]) == {"priya": 1}
    assert tickets.next_number() == t.number + 1  # numbering goes on
    assert again["inbox"].linked("gh#1") == t.number
    assert again["inbox"].outcome(message) == "applied"
    assert again["inbox"].outcome(settled) == "nothing to do"
    assert not again["inbox"].record(message)  # still known: not recorded twice
    assert not again["ledger"].claim(t.number, "e1", "ana@example.org")
    assert again["staff"].verify(staff_token) == "priya"
    assert link and again["links"].redeem(link) == "ana@example.org"
    assert again["deliveries"].state(t.number, "h1") == DELIVERED
    assert [e.position for e in again["outbox"].after(0)] == [1, 2, 3, 4]
    assert again["outbox"].position("relay") == 2


CHILD = textwrap.dedent(
    """
    import sys, time
    from services.adapters.sqlite import SqliteDatabase, SqliteTicketRepository
    from tests.contract.builders import stored

    tickets = SqliteTicketRepository(SqliteDatabase(sys.argv[1]))
    for _ in range(int(sys.argv[2])):
        stored(tickets)
    print("committed", flush=True)
    time.sleep(60)
    """
)


@pytest.mark.slow
def test_a_process_killed_without_closing_loses_no_commit(db_path):
    """kill -9 right after the commits: they are in the write-ahead log, and the next
    opening reads them (synchronous=NORMAL is enough against a process crash)."""
    SqliteDatabase(db_path).close()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), "20"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "committed\n"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert Path(f"{db_path}-wal").stat().st_size > 0  # never checkpointed into the file
    tickets = SqliteTicketRepository(SqliteDatabase(db_path))
    assert sorted(tickets.get_many(range(1, 30))) == list(range(1, 21))
    assert len(tickets.history(20)) == 1
    assert tickets.next_number() == 21
    tickets.save(tickets.get(20), Change(event(tickets.get(20))))  # and it takes writes
