"""Intake throughput and latency on both homes, side by side in one run: N tickets filed through
the HTTP API by 1 and by 4 concurrent clients, each followed through to its acknowledgement
mails (issue 7), on the SQLite home (RTFLOW_BACKEND=sqlite, a fresh RTFLOW_DATA_DIR) and on the
embedded moto stack (RTFLOW_BACKEND=aws); and each home's idle CPU (issue 12).

For each home and concurrency this starts `rtflow run` as a child process, as the end-to-end
tests do (tests/e2e/stack_process.py), on a free port, and stops it by its PID at the end. A
fresh stack per concurrency: stock moto deep-copies the whole table before every TransactWriteItems, so on
the emulator every write gets slower as tickets pile up, and the second run would otherwise
start on the first one's table.

On each stack, after a warm-up (the reports the stack runs at start, two tickets filed and
acknowledged, then the stack left idle):

- on each home's first stack, the idle CPU: utime + stime of the stack's process from
  /proc/<pid>/stat over 20 s in which nothing is sent to it, as % of one core;

- the baseline: GET /healthz by the same clients, as many requests: the web app's floor (same
  server, same connections, no AWS call);
- N unique tickets POSTed to /api/v1/tickets (tests/e2e/support.py's ticket_body), each
  client with its own `requests` session, all starting together; each request's wall time;
- filed → acknowledged: nothing polls while tickets are filed. Once the last 201 is in,
  /dev/mail.json is read (one read answers for every pending ticket; reads >= 100 ms apart,
  the stack left alone >= 4/5 of the time), and each ticket whose two acknowledgement mails
  are out (to the requester `[TechOps #<n>] Received: ...`, to the team `... New <type>
  ticket: ...`) has its history read once through its status link (GET
  /api/v1/tickets/<n>?token=) for its filing time: when the stack's mailbox captured the later
  of the two mails (`captured_at`) minus the client's clock when the 201 arrived is the
  ticket's time to acknowledgement (the filing is its own acknowledgement: no event follows
  the mails). The stack's clock is the real
  clock (never moved here), so the client's and the stack's times compare.

N defaults to 30, not 200: on the emulator the acknowledgements drain at about 2 tickets a
second and slow down as the table grows (at 200 tickets one client's filing alone takes about
three minutes); `--intake-n 200` runs the full size.

The package, by concern: stats (percentiles, pure), clients (the filing and baseline requests,
shared by threads), following (tickets to their acknowledgement mails), benchmark (one stack per
concurrency, and `run`), tables (what is printed), idle (the CPU of a quiet stack), compare
(the homes side by side with the issue's goals, pure).
"""

from .benchmark import CONCURRENCY, N, run
from .compare import HOMES, parse_homes

__all__ = ["CONCURRENCY", "HOMES", "N", "parse_homes", "run"]
