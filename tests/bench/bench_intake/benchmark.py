"""One running stack per home and concurrency: warmed up, the idle CPU (once per home), the
baseline, the filing, the following; and `run`, which prints the tables and returns the
JSON-ready results."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from tests.bench.host import machine
from tests.bench.progress import Progress, log

from .clients import Filing, file_one, get_ms, run_clients
from .compare import HOME_NAMES, HOMES, comparison_table, side_by_side
from .following import POLL_MIN_S, Polls, follow, wait_for_mail
from .idle import IDLE_SECONDS, idle_cpu
from .stats import per_second, summarize
from .tables import LEGEND, concurrency_table, notes_table

N = 30  # see the package's docstring: 200 takes many minutes on the emulator
CONCURRENCY = (1, 4)
WARMUP_TICKETS = 2
ACK_TIMEOUT_S = 180.0
REPORTS_TIMEOUT_S = 60.0
EDGE = 0.1  # the first and last 10 % of tickets, to show how latency grows with the table
STARTUP_REPORTS = ("] Daily report ", "] Weekly report ")


def settle(session, base_url: str) -> None:
    """Leave the stack idle: POST /dev/clock {"advance_seconds": 0} leaves the clock where it
    is and answers once the due timers ran and the stack's queues and stream are drained."""
    r = session.post(f"{base_url}/dev/clock", json={"advance_seconds": 0}, timeout=60)
    r.raise_for_status()


def stack_log_problems(output: str) -> dict[str, int]:
    return {
        "tracebacks": output.count("Traceback (most recent call last)"),
        "failed_lines": sum(1 for line in output.splitlines() if "failed" in line),
    }


def bench_concurrency(
    clients: int, n: int, home: str = "aws", idle: bool = False
) -> dict[str, Any]:
    """`clients` filing `n` tickets on a fresh stack of `home` (a fresh data directory for the
    SQLite home); with `idle`, the stack's CPU over a quiet spell once it is warmed up."""
    with tempfile.TemporaryDirectory(prefix="rtflow-bench-") as data_dir:
        result = _bench_stack(clients, n, home, data_dir, idle)
    return {"home": home, **result}


def _bench_stack(clients: int, n: int, home: str, data_dir: str, idle: bool) -> dict[str, Any]:
    import requests

    from tests.e2e.stack_process import clean_env, free_port, start_stack
    from tests.e2e.support import ticket_body

    log(f"{HOME_NAMES[home]}, {clients} client(s): starting `rtflow run`")
    t0 = perf_counter()
    port = free_port()
    env = clean_env(RTFLOW_BACKEND=home, RTFLOW_DATA_DIR=data_dir)
    stack = start_stack(["--port", str(port)], port, env)
    started_s = perf_counter() - t0
    base = stack.base_url
    sessions = [requests.Session() for _ in range(clients)]
    watcher = requests.Session()
    try:
        log("  warm-up: the start-up reports, then a few tickets to their acknowledgement")
        reports_done = wait_for_mail(
            watcher,
            base,
            lambda ms: all(any(s in m["subject"] for m in ms) for s in STARTUP_REPORTS),
            REPORTS_TIMEOUT_S,
            Polls(),
        )
        if not reports_done:
            log("  (the start-up reports' digests did not arrive: going on)")
        warm = [file_one(sessions[0], base, ticket_body()) for _ in range(WARMUP_TICKETS)]
        if len(follow(watcher, base, warm, ACK_TIMEOUT_S, Polls())) < len(warm):
            raise RuntimeError("the warm-up tickets were not acknowledged: is the stack well?")
        settle(watcher, base)
        warmed_s = perf_counter() - t0
        idle_result = None
        if idle:
            log(f"  idle: the stack's CPU over {IDLE_SECONDS:.0f} s of quiet")
            idle_result = idle_cpu(stack.process.pid)

        log(f"  baseline: {n} x GET /healthz")
        healthz, healthz_s = run_clients(sessions, n, lambda s, _: get_ms(s, f"{base}/healthz"))

        bodies = [ticket_body() for _ in range(n)]
        progress = Progress(f"filing {n} tickets", n)
        lock = threading.Lock()

        def file_counted(session, i: int) -> Filing:
            filing = file_one(session, base, bodies[i])
            with lock:
                progress.update()
            return filing

        filings, filing_s = run_clients(sessions, n, file_counted)
        progress.close()
        last_answer = max(f.answered for f in filings)

        polls = Polls()
        progress = Progress("acknowledged", n)
        acked = follow(watcher, base, filings, ACK_TIMEOUT_S, polls, progress)
        progress.close()
        missing = sorted(f.number for f in filings if f.number not in acked)
        if missing:
            log(f"  {len(missing)} ticket(s) not acknowledged within {ACK_TIMEOUT_S:.0f} s")
        problems = stack_log_problems(stack.output())
    finally:
        for s in [*sessions, watcher]:
            s.close()
        stack.stop()

    ordered = sorted(filings, key=lambda f: f.sent)
    edge = max(1, round(EDGE * n))

    def ack_ms(fs: list[Filing], since: str = "answered") -> list[float]:
        return [1000 * (acked[f.number][1] - getattr(f, since)) for f in fs if f.number in acked]

    first_sent = ordered[0].sent
    last_ack = max((a for _, a in acked.values()), default=first_sent)
    return {
        "clients": clients,
        "tickets": n,
        "stack_start_seconds": round(started_s, 1),
        "warm_up_seconds": round(warmed_s, 1),
        "startup_reports_settled": reports_done,
        "seconds": round(filing_s, 2),
        "tickets_per_second": per_second(n, filing_s),
        "request_ms": summarize([f.ms for f in filings]),
        "request_ms_first_tickets": summarize([f.ms for f in ordered[:edge]]),
        "request_ms_last_tickets": summarize([f.ms for f in ordered[-edge:]]),
        "acknowledged": len(acked),
        "not_acknowledged": missing,
        "filed_to_acknowledged_ms": summarize(ack_ms(filings)),
        "filed_to_acknowledged_ms_first_tickets": summarize(ack_ms(ordered[:edge])),
        "filed_to_acknowledged_ms_last_tickets": summarize(ack_ms(ordered[-edge:])),
        "sent_to_acknowledged_ms": summarize(ack_ms(filings, "sent")),
        "server_filed_to_acknowledged_ms": summarize([1000 * (a - f) for f, a in acked.values()]),
        "acknowledged_per_second": per_second(len(acked), last_ack - first_sent),
        "drain_seconds": round(max(last_ack - last_answer, 0.0), 2),
        "mail_polls": polls.summary(),
        "baseline_healthz": {
            "requests": n,
            "seconds": round(healthz_s, 2),
            "per_second": per_second(n, healthz_s),
            "ms": summarize(healthz),
        },
        "stack_log": problems,
        **({"idle_cpu": idle_result} if idle_result else {}),
    }


def run(
    n: int = N, concurrency: Sequence[int] = CONCURRENCY, homes: Sequence[str] = HOMES
) -> dict[str, Any]:
    """Benchmark each home and concurrency on its own stack (the idle CPU on each home's first),
    print the tables and the homes side by side; the JSON-ready results."""
    started = datetime.now(UTC)
    t0 = perf_counter()
    results = [
        bench_concurrency(c, n, home, idle=i == 0)
        for home in homes
        for i, c in enumerate(concurrency)
    ]
    host = machine()
    comparison = side_by_side(results)
    print()
    print(
        f"Intake: {n} tickets filed through the HTTP API, on {' and '.join(HOME_NAMES[h] for h in homes)}. "
        f"{host['cpu']} x{host['cpu_count']}, Python {host['python']}, "
        f"moto {host['packages']['moto']}, {started:%Y-%m-%d}"
    )
    for home in homes:
        ran = [r for r in results if r["home"] == home]
        for r in ran:
            print()
            print(f"{HOME_NAMES[home]}, {r['clients']} client(s), {n} tickets:")
            print(concurrency_table(r))
        print()
        print(notes_table(ran))
    print()
    print(comparison_table(comparison))
    print()
    print(LEGEND)
    return {
        "name": "intake",
        "date": started.isoformat(timespec="seconds"),
        "machine": host,
        "seconds": round(perf_counter() - t0, 1),
        "setup": {
            "tickets": n,
            "concurrency": list(concurrency),
            "homes": list(homes),
            "stack": "rtflow run as a child process (tests/e2e/stack_process.py), a fresh one "
            "per home and concurrency (RTFLOW_BACKEND=sqlite on a fresh RTFLOW_DATA_DIR, or "
            "aws), warmed up with its start-up reports and "
            f"{WARMUP_TICKETS} acknowledged tickets",
            "idle_cpu": f"utime + stime of the stack's process from /proc/<pid>/stat over "
            f"{IDLE_SECONDS:.0f} s of quiet after the warm-up settled, on each home's first "
            "stack; % of one core",
            "body": "tests/e2e/support.py ticket_body(): a complete general ticket, unique",
            "request": "client wall time, POST /api/v1/tickets to its 201",
            "filed_to_acknowledged": "when the stack's mailbox captured the later of the two "
            "acknowledgement mails (captured_at in /dev/mail.json) minus the client's clock "
            "at the 201; /dev/mail.json read after the filing (one read for all pending "
            f"tickets, >= {1000 * POLL_MIN_S:.0f} ms apart, idle >= 4/5 of the time), one "
            "history read per ticket (its ticket.filed time) once both mails are out",
            "baseline": "GET /healthz, same clients and connections, just before the filing",
            "percentiles": "linear interpolation between closest ranks",
        },
        "results": results,
        "side_by_side": comparison,
    }
