"""The tables the intake benchmark prints, and their legend."""

from __future__ import annotations

from typing import Any


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
filed → acknowledged: when the stack's mailbox captured the later of the two acknowledgement
mails (requester "[TechOps #<n>] Received: ...", team "New ... ticket: ..."; captured_at in
/dev/mail.json, the stack's clock: the real one, not moved) minus the client's clock when the
201 arrived. per s: acknowledgements per second from the first request out to the last
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
(filing, triage and each later change write one each), so on the
emulator everything slows as the table grows ("first/last 10 %"); each concurrency therefore
runs on a fresh stack, after a warm-up. drain s: from the last 201 to the last acknowledgement.
Percentiles interpolate between the closest ranks: under 100 tickets p99 is close to the max.
The SQLite home is one process too (web server, outbox consumers woken by each commit, the
minute job), on a fresh data directory per concurrency. idle CPU: utime + stime of the stack's
process over 20 s of quiet after its warm-up settled, as % of one core. SQLite / moto: the
SQLite home's value divided by the moto stack's. The goals are issue 12's, for the SQLite home."""
