"""RT Flow's home on one machine: every storage port on one SQLite database file, with the
standard library's sqlite3 and no ORM (the queries are few and each one is worth reading).

Why it is built this way:

- One file, in write-ahead-log mode: readers never wait for the writer, and one writer at a
  time is plenty for a team's queue (a change holds the lock for well under a millisecond).
  `synchronous=NORMAL`: with WAL a commit is in the log before it returns, so it survives the
  process being killed at any moment; only a power cut or an OS crash can lose the last
  commits, and never corrupt the file. Foreign keys on; a busy timeout, so a writer waits
  for the lock instead of failing.
- One connection per thread (the web server and the consumers run in threads); a change is
  ONE transaction, BEGIN IMMEDIATE ... COMMIT, rolled back on any refusal or failure. It
  holds exactly what the DynamoDB transaction holds: the ticket row guarded by its version,
  its event, its timers, the WIP counters with their limits, the receipt of an inbox item,
  the thread link and the finished-ness checks. A refusal stores nothing.
- A ticket is a JSON document (codecs.py) plus a column for each view, each view an index
  (a partial one where only some tickets belong: open owned, escalated, public). Timers have
  a table of their own indexed by due time, so the minute job reads what is due, never the
  tickets. Events have their own table, indexed by UTC day for the reports.
- An outbox: each event and each newly recorded delivery gets a position, committed in
  increasing order, so a relay reads "everything after N" and remembers N (outbox.py).
- The schema lives in schema.py and migrates by `PRAGMA user_version`, in one transaction.
- Where a port's docstring leaves something open, this package does what the DynamoDB
  adapters (services/adapters/dynamo/) do: the order in which refusals are reported, the
  thirty-minute sign-in links and fifteen-minute rate windows, an inbox that forgets a
  delivery after INBOX_DAYS, a mail marked sent without a claim refused. Rows that expire
  by DynamoDB's TTL are removed by `expire` (expiry.py).

By concern: database (the file, connections, transactions), schema, codecs, queries (the
repository's reads), transactions (the writes of a change), one module per port's adapter,
outbox and expiry.
"""

from .database import SqliteDatabase
from .deliveries import SqliteDeliveryLog
from .expiry import expire
from .inbox import INBOX_DAYS, SqliteInbox
from .mail_ledger import SqliteMailLedger
from .outbox import OutboxEntry, SqliteOutbox
from .requester_links import SqliteRequesterLinks
from .schema import SchemaTooNew
from .tickets import SqliteTicketRepository
from .tokens import SqliteStaffTokens

__all__ = [
    "INBOX_DAYS",
    "OutboxEntry",
    "SchemaTooNew",
    "SqliteDatabase",
    "SqliteDeliveryLog",
    "SqliteInbox",
    "SqliteMailLedger",
    "SqliteOutbox",
    "SqliteRequesterLinks",
    "SqliteStaffTokens",
    "SqliteTicketRepository",
    "expire",
]
