"""Intake throughput and latency on the embedded stack: N tickets filed through the HTTP API by
1 and by 4 concurrent clients, each followed through to its acknowledgement mails (issue 7).

For each concurrency this starts `rtflow run` as a child process, as the end-to-end tests do
(tests/e2e/stack_process.py), on a free port, and stops it by its PID at the end. A fresh stack
per concurrency: stock moto deep-copies the whole table before every TransactWriteItems, so on
the emulator every write gets slower as tickets pile up, and the second run would otherwise
start on the first one's table.

On each stack, after a warm-up (the reports the stack runs at start, two tickets filed and
acknowledged, then the stack left idle):

- the baseline: GET /healthz by the same clients, as many requests: the web app's floor (same
  server, same connections, no AWS call);
- N unique tickets POSTed to /api/v1/tickets (tests/e2e/support.py's ticket_body), each
  client with its own `requests` session, all starting together; each request's wall time;
- filed → acknowledged: nothing polls while tickets are filed. Once the last 201 is in,
  /dev/mail.json is read (one read answers for every pending ticket; reads >= 100 ms apart,
  the stack left alone >= 4/5 of the time), and each ticket whose two acknowledgement mails
  are out (to the requester `[TechOps #<n>] Received: ...`, to the team `... New <type>
  ticket: ...`) has its history read once through its status link (GET
  /api/v1/tickets/<n>?token=): the `ticket.acknowledged` event's time minus the client's clock
  when the 201 arrived is the ticket's time to acknowledgement. The stack's clock is the real
  clock (never moved here), so the client's and the stack's times compare.

N defaults to 30, not 200: on the emulator the acknowledgements drain at about 2 tickets a
second and slow down as the table grows (at 200 tickets one client's filing alone takes about
three minutes); `--intake-n 200` runs the full size.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from time import perf_counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.bench.bench_scheduler import Progress, log, machine

N = 30  # see above: 200 takes many minutes on the emulator
CONCURRENCY = (1, 4)
WARMUP_TICKETS = 2
POLL_MIN_S = 0.1  # at most one /dev/mail.json read per 100 ms ...
POLL_IDLE = 4  # ... and a pause of at least 4 times the read's own time after each
ACK_TIMEOUT_S = 180.0
REPORTS_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 60.0
EDGE = 0.1  # the first and last 10 % of tickets, to show how latency grows with the table

REQUESTER_ACK = re.compile(r"#(\d+)\] Received: ")
TEAM_ACK = re.compile(r"#(\d+)\] New [\w-]+ ticket: ")
BOTH = frozenset({"requester", "team"})
STARTUP_REPORTS = ("] Daily report ", "] Weekly report ")


# -- statistics (pure) --------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between the closest ranks (as
    numpy's default and a spreadsheet's PERCENTILE.INC)."""
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 100:
        raise ValueError(f"p must be within 0..100, not {p}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(ms: Sequence[float]) -> dict[str, Any]:
    """n, p50/p95/p99, mean and max of millisecond values (None for each when empty)."""
    if not ms:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "mean": None, "max": None}
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "p99": round(percentile(ms, 99), 2),
        "mean": round(sum(ms) / len(ms), 2),
        "max": round(max(ms), 2),
    }


def per_second(count: int, seconds: float) -> float | None:
    return round(count / seconds, 1) if seconds > 0 else None


def acknowledgements(messages: list[dict[str, Any]]) -> dict[int, set[str]]:
    """ticket number → which acknowledgement mails were sent for it ("requester", "team")."""
    found: dict[int, set[str]] = {}
    for m in messages:
        for kind, pattern in (("requester", REQUESTER_ACK), ("team", TEAM_ACK)):
            match = pattern.search(m["subject"])
            if match:
                found.setdefault(int(match.group(1)), set()).add(kind)
    return found


# -- clients ------------------------------------------------------------------------------------


@dataclass
class Filing:
    number: int
    token: str
    sent: float  # the client's wall clock (time.time()) when the request went out
    answered: float  # ... and when the 201 arrived
    ms: float  # the request's latency (perf_counter)


def run_clients(
    sessions: list, count: int, work: Callable[[Any, int], Any]
) -> tuple[list[Any], float]:
    """`count` calls of work(session, i) shared by one thread per session (client k does
    i = k, k + clients, ...), all starting together; the results in order of i, and the
    seconds from the start to the last one's end."""
    clients = len(sessions)
    results: list[Any] = [None] * count
    errors: list[Exception] = []
    start = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        start.wait()
        try:
            for i in range(k, count, clients):
                results[i] = work(sessions[k], i)
        except Exception as e:  # raised again by the caller
            errors.append(e)

    threads = [
        threading.Thread(target=client, args=(k,), name=f"client-{k}") for k in range(clients)
    ]
    for t in threads:
        t.start()
    start.wait()
    t0 = perf_counter()
    for t in threads:
        t.join()
    seconds = perf_counter() - t0
    if errors:
        raise errors[0]
    return results, seconds


def get_ms(session, url: str) -> float:
    start = perf_counter()
    r = session.get(url, timeout=REQUEST_TIMEOUT_S)
    ms = 1000 * (perf_counter() - start)
    r.raise_for_status()
    return ms


def file_one(session, base_url: str, body: dict[str, Any]) -> Filing:
    sent = time.time()
    start = perf_counter()
    r = session.post(f"{base_url}/api/v1/tickets", json=body, timeout=REQUEST_TIMEOUT_S)
    ms = 1000 * (perf_counter() - start)
    answered = time.time()
    if r.status_code != 201:  # the setup is wrong, not slow: say so rather than report it
        raise RuntimeError(f"POST /api/v1/tickets answered {r.status_code}: {r.text[:500]}")
    created = r.json()
    token = parse_qs(urlsplit(created["status_url"]).query)["token"][0]
    return Filing(created["id"], token, sent, answered, ms)


# -- following tickets to their acknowledgement ------------------------------------------------


@dataclass
class Polls:
    count: int = 0
    ms: float = 0.0
    last_bytes: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "reads": self.count,
            "ms_mean": round(self.ms / self.count, 1) if self.count else None,
            "bytes_last": self.last_bytes,
        }


def read_mail(session, base_url: str, polls: Polls) -> list[dict[str, Any]]:
    start = perf_counter()
    r = session.get(f"{base_url}/dev/mail.json", timeout=REQUEST_TIMEOUT_S)
    r.raise_for_status()
    polls.count += 1
    polls.ms += 1000 * (perf_counter() - start)
    polls.last_bytes = len(r.content)
    return r.json()["messages"]


def pause(read_s: float) -> None:
    """After a /dev/mail.json read that took `read_s`: reads start >= 100 ms apart, and the
    stack is left alone >= 4/5 of the time (a read serialises every captured mail)."""
    time.sleep(max(POLL_MIN_S - read_s, POLL_IDLE * read_s))


def wait_for_mail(
    session,
    base_url: str,
    done: Callable[[list[dict[str, Any]]], bool],
    timeout: float,
    polls: Polls,
) -> bool:
    """Read /dev/mail.json until done(messages); False after `timeout` seconds. Spaced out:
    the stack serialises and sends every captured mail on each read."""
    deadline = time.monotonic() + timeout
    while True:
        start = perf_counter()
        if done(read_mail(session, base_url, polls)):
            return True
        if time.monotonic() > deadline:
            return False
        pause(perf_counter() - start)


def acknowledged_at(session, base_url: str, filing: Filing) -> tuple[float, float] | None:
    """(ticket.filed, ticket.acknowledged) event times from the ticket's history, read as the
    requester reads it; None while the acknowledgement is not recorded yet."""
    r = session.get(
        f"{base_url}/api/v1/tickets/{filing.number}",
        params={"token": filing.token},
        timeout=REQUEST_TIMEOUT_S,
    )
    r.raise_for_status()
    at = {h["kind"]: h["at"] for h in r.json()["history"]}
    if "ticket.acknowledged" not in at:
        return None
    return _epoch(at["ticket.filed"]), _epoch(at["ticket.acknowledged"])


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def follow(
    session,
    base_url: str,
    filings: list[Filing],
    timeout: float,
    polls: Polls,
    progress: Progress | None = None,
) -> dict[int, tuple[float, float]]:
    """ticket number → (filed, acknowledged) event times, for every filing acknowledged within
    `timeout` seconds. Each round reads /dev/mail.json once, then the history of each ticket
    whose two acknowledgement mails are out (once, unless the event is not recorded yet)."""
    pending = {f.number: f for f in filings}
    out: dict[int, tuple[float, float]] = {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        start = perf_counter()
        acks = acknowledgements(read_mail(session, base_url, polls))
        read_s = perf_counter() - start
        for number in [n for n in pending if acks.get(n) == BOTH]:
            # The acknowledgement is recorded right after the second mail went out.
            times = acknowledged_at(session, base_url, pending[number])
            if times is not None:
                out[number] = times
                del pending[number]
                if progress is not None:
                    progress.update()
        if pending:
            pause(read_s)
    return out


# -- one stack, one concurrency -----------------------------------------------------------------


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


def bench_concurrency(clients: int, n: int) -> dict[str, Any]:
    import requests

    from tests.e2e.stack_process import clean_env, free_port, start_stack
    from tests.e2e.support import ticket_body

    log(f"{clients} client(s): starting the embedded stack")
    t0 = perf_counter()
    port = free_port()
    stack = start_stack(["--port", str(port)], port, clean_env())
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
    }


# -- output -------------------------------------------------------------------------------------


def render(head: list[str], rows: list[list[str]]) -> str:
    """A text table: the first column (labels) left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return " | ".join([cells[0].ljust(widths[0]), *rest])

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(head), rule, *(line(row) for row in rows)])


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


HEAD = ["measure", "n", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"]


def _row(label: str, stats: dict[str, Any], rate: float | None) -> list[str]:
    return [
        label,
        str(stats["n"]),
        _num(rate),
        *(_num(stats[k]) for k in ("p50", "p95", "p99", "max")),
    ]


def concurrency_table(r: dict[str, Any]) -> str:
    """One concurrency: the filing requests, filed → acknowledged, and the baseline."""
    base = r["baseline_healthz"]
    rows = [
        _row("POST /api/v1/tickets (request)", r["request_ms"], r["tickets_per_second"]),
        _row("filed → acknowledged", r["filed_to_acknowledged_ms"], r["acknowledged_per_second"]),
        _row("GET /healthz (baseline)", base["ms"], base["per_second"]),
    ]
    return render(HEAD, rows)


def notes_table(results: list[dict[str, Any]]) -> str:
    head = [
        "clients",
        "filing s",
        "drain s",
        "acked",
        "request p50 first/last 10 %",
        "filed→acked p50 first/last 10 %",
        "mail.json reads (mean ms, last KB)",
        "tracebacks in stack log",
    ]
    rows = []
    for r in results:
        polls = r["mail_polls"]
        rows.append(
            [
                str(r["clients"]),
                f"{r['seconds']:,.1f}",
                f"{r['drain_seconds']:,.1f}",
                f"{r['acknowledged']}/{r['tickets']}",
                f"{_num(r['request_ms_first_tickets']['p50'])} / "
                f"{_num(r['request_ms_last_tickets']['p50'])}",
                f"{_num(r['filed_to_acknowledged_ms_first_tickets']['p50'])} / "
                f"{_num(r['filed_to_acknowledged_ms_last_tickets']['p50'])}",
                f"{polls['reads']} ({_num(polls['ms_mean'])}, {polls['bytes_last'] / 1000:,.0f})",
                str(r["stack_log"]["tracebacks"]),
            ]
        )
    return render(head, rows)


LEGEND = """\
request: the client's wall time from sending POST /api/v1/tickets to its 201. per s: tickets
filed per second of the filing's wall time (first request out to last 201 in).
filed → acknowledged: the ticket.acknowledged event's time (the stack's clock: the real one,
not moved) minus the client's clock when the 201 arrived. The event is recorded right after
both acknowledgement mails went out (requester "[TechOps #<n>] Received: ...", team "New ...
ticket: ..."). per s: acknowledgements per second from the first request out to the last
acknowledgement. How: nothing polls while tickets are filed; then /dev/mail.json is read (one
read for all pending tickets, >= 100 ms apart, the stack left alone >= 4/5 of the time), and
each ticket whose two mails are out has its history read once through its status link.
baseline: GET /healthz by the same clients and connections, as many requests, on the idle stack
just before the filing: the same web server, no AWS call.
Not AWS: the embedded stack is one process (web app, AWS emulator, stream and queue pumps,
scheduler share one interpreter), and its emulator (infra/local/emulator.py) serves one AWS
request at a time (moto's backends are not thread-safe). More clients queue at the emulator
instead of running in parallel, so 4 clients do not scale as they would on AWS. Stock moto
also deep-copies the whole table, stream records included, before each TransactWriteItems
(filing, triage, the acknowledgement and the scheduler's review write one each), so on the
emulator everything slows as the table grows ("first/last 10 %"); each concurrency therefore
runs on a fresh stack, after a warm-up. drain s: from the last 201 to the last acknowledgement.
Percentiles interpolate between the closest ranks: under 100 tickets p99 is close to the max."""


def run(n: int = N, concurrency: Sequence[int] = CONCURRENCY) -> dict[str, Any]:
    """Benchmark each concurrency on its own stack, print the tables; the JSON-ready results."""
    started = datetime.now(UTC)
    t0 = perf_counter()
    results = [bench_concurrency(c, n) for c in concurrency]
    host = machine()
    print()
    print(
        f"Intake: {n} tickets filed through the HTTP API on the embedded stack. "
        f"{host['cpu']} x{host['cpu_count']}, Python {host['python']}, "
        f"moto {host['packages']['moto']}, {started:%Y-%m-%d}"
    )
    for r in results:
        print()
        print(f"{r['clients']} client{'s' if r['clients'] > 1 else ''}, {n} tickets:")
        print(concurrency_table(r))
    print()
    print(notes_table(results))
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
            "stack": "rtflow run as a child process (tests/e2e/stack_process.py), a fresh one "
            "per concurrency, warmed up with its start-up reports and "
            f"{WARMUP_TICKETS} acknowledged tickets",
            "body": "tests/e2e/support.py ticket_body(): a complete general ticket, unique",
            "request": "client wall time, POST /api/v1/tickets to its 201",
            "filed_to_acknowledged": "ticket.acknowledged event time minus the client's clock "
            "at the 201; /dev/mail.json read after the filing (one read for all pending "
            f"tickets, >= {1000 * POLL_MIN_S:.0f} ms apart, idle >= 4/5 of the time), one "
            "history read per ticket once both acknowledgement mails are out",
            "baseline": "GET /healthz, same clients and connections, just before the filing",
            "percentiles": "linear interpolation between closest ranks",
        },
        "results": results,
    }
