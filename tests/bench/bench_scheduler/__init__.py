"""The scheduler's minute job at 1,000 / 10,000 / 100,000 tickets, of which 20 are due.

Issue 4 asks that the minute job's reads grow with what is due, not with the table. For each
size this loads a fresh table in the AWS emulator (moto, as the tests use it) and measures:

- our read path, `DynamoTicketRepository.due(now)`: one Query of the sparse, KEYS_ONLY timer
  index (items read = the Query's ScannedCount, as DynamoDB bills them);
- the baseline in the same run: the naive Scan of the table with a FilterExpression on
  `timer_at <= now` (items read = ScannedCount, items returned = Count);
- `run_due` end to end with the 20 due timers firing: AWS calls by operation, items read and
  written, wall time and the share of it spent inside AWS calls.

Counts are deterministic and are what DynamoDB charges for. Wall times are the emulator's:
moto evaluates a GSI Query by walking every item of the table and copies the whole table
before each TransactWriteItems, so on moto even our Query's time grows with the table while
its items read do not. The "in calls" split of run_due shows which part is ours.

The table holds, per size: 20 tickets whose wake timer is due at `now` (built through the
domain: filed, triaged, postponed, with their events), 10 % with timers in the future (among
them the later minutes' due groups, so every timed run_due sees a fresh 20), and the rest
finished tickets with no timer.

The same tickets go into a fresh SQLite home too (sqlite_home.py: a database file in a
temporary directory, loaded through the adapter's import path in big transactions), where
due(now) and run_due are timed the same way, counting the rows its reads return; the first
table printed puts the two homes side by side.

The package, by concern: measuring (what an operation did over the wire, timed runs), data
(the tickets and their histories), stack (the emulator, loading, transaction backups),
sqlite_home (the database, its loading, the row meter), benchmark (each size, and `run`),
tables (what is printed).
"""

from .benchmark import SIZES, parse_sizes, run
from .stack import LOAD_METHODS

__all__ = ["LOAD_METHODS", "SIZES", "parse_sizes", "run"]
