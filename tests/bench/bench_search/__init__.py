"""The search at 10 / 1,000 / 100,000 tickets on the SQLite home and on DynamoDB (moto), and a
CSV export of 10,000 tickets.

Issue 14 asks for the latency and the items read of a search for a word in 10, 1,000 and
100,000 tickets on each home (the goal: a median under 50 ms on the SQLite home at 100,000;
items read bounded by the matches and the page, never by the table). For each size this
loads a fresh store with tickets whose titles carry marker words (`zebra` in 10 tickets,
`falcon` in 1,000, `replica` in every one; data.py) and times, a page of 50 at a time:

- one word in 10, 1,000 and every ticket, newest first (the index order: a page costs its own
  rows however many match);
- two words (a rare one and `replica`), a word with a status filter, and `updated` (every
  match read and sorted: at most 1,000);
- the public search of a title word.

Items read are what the home's search reports (SearchPage.read: FTS rows joined to their
tickets on SQLite; postings and tickets on DynamoDB); on moto the DynamoDB calls are also
counted on the wire. The CSV export reads 10,000 tickets a batch of 1,000 at a time and
writes them, as GET /api/v1/tickets?format=csv does.

The SQLite store is loaded through the import path (restore.py: the ticket, its history and
its search entry, as a change writes them), 5,000 tickets per transaction. The DynamoDB store
is loaded straight into moto's in-process table (the adapter's own items: tickets, events,
postings and TERMS items as reindex writes them); moto keeps every item in Python, so its
sizes stop at 10,000 by default (100,000 tickets are about six million postings).

The package: data (the tickets), homes (loading each home), benchmark (timing and `run`),
tables (what is printed).
"""

from .benchmark import MOTO_SIZES, SIZES, parse_sizes, run

__all__ = ["MOTO_SIZES", "SIZES", "parse_sizes", "run"]
