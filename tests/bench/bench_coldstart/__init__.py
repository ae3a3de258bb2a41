"""Cold start: what each Lambda function pays before it does its work, and what it deploys.

Issue 7 asks for the import time of each Lambda handler module in a fresh interpreter, next
to the floor (boto3 and pynamodb alone) in the same run, and the size of the deployment
package. Every `handler:` of serverless.yml is measured, each run a new process (a cold start
is one), the subjects interleaved round by round so that a busy machine slows them alike:

- import: `import <handler module>`, timed inside the child with perf_counter (the Lambda
  runtime has started Python and imported json by then, and so has the child);
- first call: the handlers defer the composition root to their first invocation (so a cold
  start pays for it in the first request, not at import). This column times what that first
  call builds before its first AWS request, read off the handler's source (`first_call_plan`):
  its function-level imports, the container attributes it reads (on any path: clients,
  repositories, the flow config), `c.client("...")` calls, and calls such as
  `create_app(container())`, and the DynamoDB client the first request builds when the first
  call built the table (the item models share one: the `dynamo` row). No AWS request is made;
- the floor, in the same rounds: `python -c pass`, `import boto3`, `import pynamodb.models`,
  both (its first call: one boto3 client, from a new Session as the container builds them);
  and the connections of two item models and of the table's transactions (one client);
- the child's CPU time (process time) of the import and the first call beside the wall times:
  the floor table's measure (tests/bench/floor_table.py), steady when the machine is busy;
- which third-party packages each handler imports, and through which of our modules: three
  extra runs per handler with `-X importtime`, medians (attribution only; its times carry the
  flag's overhead), and the import graph of the run with the median total (imports of 4 ms
  or more, 4 levels deep). The layer modes' runs are min(--runs, 3) (~1 s a process uncached).

Three interpreters and file sets ("modes"):

- venv: .venv/bin/python and its site-packages, .pyc caches warm (written on earlier runs);
- layer, no .pyc: what infra/package.sh deploys. The layer is installed with --no-compile and
  the zips exclude __pycache__; Lambda's /opt and /var/task are read-only, so the runtime
  cannot write caches either: every cold start compiles every module it imports from source.
  Run with a Python 3.12 (the runtime's; the layer's wheels are cp312) on build/layer/python and
  a copy of the code as serverless.yml packages it, `-I -S -B`;
- layer, .pyc: the same files with warm caches (`-X pycache_prefix`, warmed by an untimed
  round): what a layer compiled for 3.12 would cost.

The layer modes need `make package` (build/layer) and a python3.12 (PATH, pyenv or
RTFLOW_BENCH_PYTHON312); without them they are skipped with a note. Package sizes are read
from .serverless/ and build/layer; the bench never runs `make package` itself (npm, pip and
osls; ~30 s warm, network on a fresh machine).

The package, by concern: handlers (the functions of serverless.yml and what each first call
builds), subjects (the handlers and the floors, as measured), children (the interpreters, the
child process and its environment), measuring (the rounds and their medians), importtime
(reading -X importtime: who imported which package), package (the deployment package's sizes),
tables (what is printed), benchmark (`run`).
"""

from .benchmark import run

__all__ = ["run"]
