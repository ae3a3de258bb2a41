"""The SQLite home as a second subject: a fresh database in a temporary directory, loaded in
big transactions through the adapter's own import path, and what its reads did.

Loading goes through `services.adapters.sqlite.restore` (what `rtflow import` writes: the
ticket row with its view columns, its timers, its events, the WIP counters), a few thousand
tickets per BEGIN IMMEDIATE ... COMMIT, so every row and index entry is exactly the
adapter's. Restored events get no outbox row, which neither the minute job nor a report reads.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any

from tests.bench.progress import Progress

if TYPE_CHECKING:
    from services.adapters.sqlite import SqliteDatabase

BATCH = 5_000  # tickets per load transaction
LOAD_HOW = (
    "services.adapters.sqlite.restore (the import path: ticket row, timers, events, WIP), "
    f"{BATCH:,} tickets per transaction"
)


@contextlib.contextmanager
def fresh_database() -> Iterator[SqliteDatabase]:
    """A new database file, as the SQLite home opens it, removed afterwards."""
    from services.adapters.sqlite import SqliteDatabase

    with tempfile.TemporaryDirectory(prefix="rtflow-bench-") as tmp:
        db = SqliteDatabase(Path(tmp) / "rtflow.db")
        try:
            yield db
        finally:
            db.close()


def load_database(db: SqliteDatabase, tickets, histories) -> dict[str, Any]:
    """Every ticket with its history, BATCH tickets per transaction; the counter above them."""
    from services.adapters.sqlite import SqliteTicketRepository
    from services.adapters.sqlite.restore import restore

    events = sum(len(h) for h in histories.values())
    progress = Progress(f"loading {len(tickets):,} tickets (SQLite)", len(tickets))
    for start in range(0, len(tickets), BATCH):
        batch = tickets[start : start + BATCH]
        with db.transaction() as conn:
            for ticket in batch:
                if not restore(conn, ticket, histories.get(ticket.number, ())):
                    raise RuntimeError(f"ticket #{ticket.number} loaded twice")
        progress.update(len(batch))
    SqliteTicketRepository(db).reserve_through(len(tickets))
    db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = progress.close()
    return {
        "method": "sqlite",
        "how": LOAD_HOW,
        "items": len(tickets) + events,
        "bytes": db.path.stat().st_size,
        "seconds": round(seconds, 2),
        "items_per_second": round((len(tickets) + events) / seconds),
    }


class RowMeter:
    """What the repository asked of the database while active: statements run (the
    connection's trace callback) and rows its reads returned (SqliteDatabase.rows and .row,
    through which every read of the repository goes)."""

    def __init__(self, db: SqliteDatabase):
        self.db = db
        self.statements = 0
        self.rows_read = 0

    def _count_statement(self, _sql: str) -> None:
        self.statements += 1

    def __enter__(self) -> RowMeter:
        rows, row = self.db.rows, self.db.row

        def counted_rows(*args: Any) -> Any:
            found = rows(*args)
            self.rows_read += len(found)
            return found

        def counted_row(*args: Any) -> Any:
            found = row(*args)
            self.rows_read += found is not None
            return found

        self.db.rows, self.db.row = counted_rows, counted_row  # type: ignore[assignment]
        self.db.connection().set_trace_callback(self._count_statement)
        return self

    def __exit__(self, *exc: object) -> None:
        del self.db.rows, self.db.row  # the class's own methods again
        self.db.connection().set_trace_callback(None)

    def summary(self) -> dict[str, int]:
        return {"statements": self.statements, "rows_read": self.rows_read}


def timed_rows(db: SqliteDatabase, fn: Callable[[int], Any], runs: int, budget_s: float):
    """Like measuring.timed, counting rows instead of AWS calls: up to `runs` runs (at least
    one; fewer when over `budget_s`), each metered; the first run's counts."""
    from .measuring import Timed

    out = Timed()
    for i in range(runs):
        with RowMeter(db) as meter:
            start = perf_counter()
            out.results.append(fn(i))
            out.seconds.append(perf_counter() - start)
        out.in_calls.append(0.0)
        if i == 0:
            out.work = meter.summary()
        if sum(out.seconds) > budget_s:
            break
    return out
