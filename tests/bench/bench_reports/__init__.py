"""Report generation for 10,000 open tickets among 100,000 (and 1,000 among 10,000).

Issue 6 asks that reports read the open tickets and the events of their window through the
indexes, not the table. For each size this loads a fresh table in the AWS emulator and
measures, for the daily report (a 28-day window):

- reading (`services.application.reports.gather`): AWS calls by operation and items read, as
  DynamoDB bills them (Query ScannedCount, BatchGetItem items): one by-status Query per open
  status (paged by 1 MB), one by-day Query per day, one BatchGetItem per 100 tickets that
  finished in the window;
- computing (`services.domain.reports.build_report`: 2,000 forecast trials for the queue and
  each owner) and rendering each format (time and size);
- the scheduled job end to end (`publish`: read, compute, render, three PutObjects to the
  reports bucket, the digest's marker and a mail to a fake mailer).

The tickets have plausible lives: filed over three years (the open ones younger), triaged,
assigned, started, postponed, resolved, closed or rejected, each step an event at its time,
with the flow config's ticket types and engineers. Only events inside the window are loaded:
older ones are never read by a report (they would only make moto's index walks slower). Items
go straight into moto's in-process table (bench_scheduler's "direct" load); reads go over
HTTP as the job's do.

The same tickets and events go into a fresh SQLite home (bench_scheduler.sqlite_home), where
the same reads (gather) are timed and their rows counted; the first table printed puts the
two homes side by side.

By concern: data (the tickets' lives), benchmark (each size, and `run`), tables.
"""

from .benchmark import parse_sizes, run
from .data import SIZES

__all__ = ["SIZES", "parse_sizes", "run"]
