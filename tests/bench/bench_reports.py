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
"""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta
from time import perf_counter
from typing import Any

from tests.bench.bench_scheduler.data import NOW, SECRET, _base, _requesters
from tests.bench.bench_scheduler.measuring import Meter
from tests.bench.bench_scheduler.stack import emulator_env, fresh_stack, load
from tests.bench.host import machine
from tests.bench.progress import log
from tests.bench.tables import render as _render

SIZES = ((100, 1_000), (1_000, 10_000), (10_000, 100_000))  # open / total tickets
DAYS = 28
SPAN = timedelta(days=3 * 365)
# Open tickets by status (shares of the open ones).
OPEN_SHARES = {
    "new": 0.02,
    "needs-info": 0.08,
    "triaged": 0.15,
    "assigned": 0.20,
    "in-progress": 0.40,
    "postponed": 0.15,
}
FINISHED_SHARES = {"closed": 0.70, "resolved": 0.15, "rejected": 0.15}
PATH = ("new", "triaged", "assigned", "in-progress", "resolved", "closed")


def _stay(rng: random.Random, status: str) -> timedelta:
    """How long a ticket stays in a status before its next step."""
    hours = {
        "new": lambda: rng.uniform(0.02, 0.2),
        "needs-info": lambda: rng.uniform(4, 120),
        "triaged": lambda: rng.uniform(0.5, 48),
        "assigned": lambda: rng.uniform(0.5, 24),
        "in-progress": lambda: rng.expovariate(1 / 72),
        "postponed": lambda: rng.uniform(24, 240),
        "resolved": lambda: rng.uniform(2, 96),
    }[status]()
    return timedelta(hours=hours)


def _path(status: str) -> list[str]:
    if status == "rejected":
        return ["new", "triaged", "rejected"]
    if status == "needs-info":
        return ["new", "needs-info"]
    if status == "postponed":
        return ["new", "triaged", "assigned", "in-progress", "postponed"]
    return list(PATH[: PATH.index(status) + 1])


def life(number: int, status: str, rng: random.Random, flow, requester, window_start):
    """A ticket in `status` now and the events of its life that fall in the window."""
    from services.domain import events as ev
    from services.domain.events import Event
    from services.domain.lifecycle import Status
    from services.domain.ticket import Escalation, Ticket

    path = _path(status)
    stays = [_stay(rng, s) for s in path[:-1]]
    is_open = status in OPEN_SHARES
    # How long it has been in its current status: open ones wait, finished ones are long done.
    current = _stay(rng, status) if is_open and status != "new" else timedelta(minutes=5)
    total = sum(stays, timedelta()) + current
    if is_open:  # younger: most of the open queue is weeks old, some of it a year
        created = NOW - total - timedelta(days=min(rng.expovariate(1 / 20), 365))
    else:
        created = NOW - total - SPAN * rng.random()
    engineers = [m.id for m in flow.members_with_role("engineer")]
    owner = rng.choice(engineers) if "assigned" in path else None
    types = [t.name for t in flow.ticket_types]
    ticket_type = rng.choice(types)
    events = [
        Event(number, ev.TICKET_FILED, created, f"requester:{requester.email}", True,
              {"source": "api", "type": ticket_type}),
        Event(number, ev.TICKET_ACKNOWLEDGED, created + timedelta(seconds=2), "system:notify",
              True, {}),
    ]  # fmt: skip
    at = created
    for frm, to, stay in zip(path[:-1], path[1:], stays, strict=True):
        at += stay
        actor = "system:triage" if frm == "new" else f"staff:{owner or 'mira'}"
        events.append(Event(number, ev.UPDATED, at, actor, True, {"from": frm, "to": to}))
        if to == "in-progress":
            events.append(
                Event(number, ev.UPDATED, at + stay / 2, actor, True, {"message": "progress"})
            )
    fields = _base(number, created, requester) | {
        "type": ticket_type,
        "status": Status(status),
        "owner": owner,
        "status_since": at,
        "updated_at": at,
    }
    if is_open and owner and rng.random() < 0.02:
        fields["escalation"] = Escalation("priya", owner, "needs a second pair of eyes", at)
    if is_open and rng.random() < 0.05:
        fields["sla_breached"] = ["resolution"]
    if status == "postponed":
        fields["postponed_from"] = Status.IN_PROGRESS
        fields["postponed_until"] = NOW + timedelta(days=rng.randint(1, 30))
    in_window = [e for e in events if window_start <= e.at <= NOW]
    return Ticket(**fields), in_window


def build(open_count: int, total: int, flow, seed: int = 6):
    from services.domain.reports import window
    from services.domain.reports.stats import day_start

    rng = random.Random(seed)
    requesters = _requesters()
    start = day_start(window(NOW, DAYS)[0])
    statuses = [
        *rng.choices(list(OPEN_SHARES), weights=list(OPEN_SHARES.values()), k=open_count),
        *rng.choices(
            list(FINISHED_SHARES), weights=list(FINISHED_SHARES.values()), k=total - open_count
        ),
    ]
    rng.shuffle(statuses)
    tickets, histories = [], {}
    for number, status in enumerate(statuses, start=1):
        requester = requesters[number % len(requesters)]
        ticket, events = life(number, status, rng, flow, requester, start)
        tickets.append(ticket)
        if events:
            histories[number] = events
    return tickets, histories


def _median_ms(seconds: list[float]) -> float:
    return round(1000 * statistics.median(seconds), 1)


def bench_size(open_count: int, total: int, runs: int, flow) -> dict[str, Any]:
    from services.adapters.bootstrap import build as build_container
    from services.adapters.settings import Settings
    from services.application import reports as job
    from services.domain import reports
    from tests.fakes import FakeMailer, FixedClock

    log(f"{open_count:,} open among {total:,}")
    t0 = perf_counter()
    tickets, histories = build(open_count, total, flow)
    built = perf_counter() - t0
    events_loaded = sum(len(h) for h in histories.values())
    with fresh_stack(f"bench-reports-{total}") as outputs:
        settings = Settings(
            table_name=outputs["TicketsTableName"],
            reports_bucket=outputs["ReportsBucketName"],
            secret_key=SECRET,
            backend="aws",
        )
        c = build_container(settings, flow=flow, clock=FixedClock(NOW), mailer=FakeMailer())
        loaded = load(c.models, tickets, histories, "direct")
        loaded["build_tickets_seconds"] = round(built, 2)
        del tickets, histories
        deps = job.ReportDeps(
            tickets=c.tickets, flow=flow, clock=c.clock, store=c.report_store, mailer=c.mailer
        )
        c.tickets.events_on(NOW.date())  # warm up: pynamodb builds its clients on first use
        c.report_store.periods("daily")

        gather_s, compute_s, render_s = [], [], {fmt: [] for fmt in job.FORMATS}
        sizes, reads = {}, {}
        for i in range(runs):
            log(f"  run {i + 1}/{runs}: read, compute, render")
            with Meter() as meter:
                start = perf_counter()
                got = job.gather(c.tickets, NOW, DAYS)
                gather_s.append(perf_counter() - start)
            if i == 0:
                reads = meter.summary() | {"seconds_in_calls": round(meter.seconds, 2)}
            start = perf_counter()
            made = reports.build_report(
                open_tickets=got.open_tickets,
                events=got.events,
                finished=got.finished,
                flow=flow,
                now=NOW,
                days=DAYS,
                kind="daily",
                rng=random.Random(f"daily:{NOW.date()}"),  # noqa: S311 - a simulation
                truncated=got.truncated,
            )
            compute_s.append(perf_counter() - start)
            for fmt in job.FORMATS:
                start = perf_counter()
                body = job.render(made, fmt)
                render_s[fmt].append(perf_counter() - start)
                sizes[fmt] = len(body.encode("utf-8"))
        log("  the scheduled job end to end (publish)")
        with Meter() as meter:
            start = perf_counter()
            published = job.publish(deps, "daily")
            publish_s = perf_counter() - start
        if made.open_tickets != open_count or not published.mailed:
            raise RuntimeError(  # the setup is wrong, not slow: say so rather than report it
                f"the report counted {made.open_tickets} open tickets, expected {open_count}"
            )
    return {
        "open": open_count,
        "tickets": total,
        "window_days": DAYS,
        "events_in_window": events_loaded,
        "table_items": loaded["items"],
        "load": loaded,
        "read": reads,
        "finished_in_window": len(got.finished),
        "ms_gather_median": _median_ms(gather_s),
        "ms_compute_median": _median_ms(compute_s),
        "ms_render_median": {fmt: _median_ms(s) for fmt, s in render_s.items()},
        "bytes": sizes,
        "runs": runs,
        "publish": {
            "ms": round(1000 * publish_s, 1),
            "calls": dict(sorted(meter.calls.items())),
            "summary": published.summary,
        },
        "forecast": {
            "p50": str(made.forecast.queue.p50),
            "p85": str(made.forecast.queue.p85),
            "mean_per_day": made.forecast.queue.mean_per_day,
        },
    }


SHORT = {"BatchGetItem": "BatchGet", "Query": "Query"}


def table(results: list[dict[str, Any]]) -> str:
    head = [
        "open / tickets",
        "table items",
        "calls (read)",
        "items read",
        "read units est.",
        "read ms",
        "compute ms",
        "HTML ms (KB)",
        "CSV ms (KB)",
        "JSON ms (KB)",
        "publish ms",
    ]
    rows = []
    for r in results:
        read, render, size = r["read"], r["ms_render_median"], r["bytes"]
        rows.append(
            [
                f"{r['open']:,} / {r['tickets']:,}",
                f"{r['table_items']:,}",
                " ".join(f"{SHORT.get(k, k)} {v}" for k, v in read["calls"].items()),
                f"{read['items_read']:,}",
                f"{read['read_units_est']:,g}",
                f"{r['ms_gather_median']:,.0f}",
                f"{r['ms_compute_median']:,.0f}",
                *(f"{render[f]:,.0f} ({size[f] / 1000:,.0f})" for f in ("html", "csv", "json")),
                f"{r['publish']['ms']:,.0f}",
            ]
        )
    return _render(head, rows)


def detail_table(results: list[dict[str, Any]]) -> str:
    head = [
        "open / tickets",
        "events in window",
        "finished in window",
        "items read by operation",
        "read ms in AWS calls",
        "forecast P50 / P85",
        "load s",
    ]
    rows = [
        [
            f"{r['open']:,} / {r['tickets']:,}",
            f"{r['events_in_window']:,}",
            f"{r['finished_in_window']:,}",
            " ".join(f"{SHORT.get(k, k)} {v:,}" for k, v in r["read"]["read_by_operation"].items()),
            f"{1000 * r['read']['seconds_in_calls']:,.0f}",
            f"{r['forecast']['p50']} / {r['forecast']['p85']}",
            f"{r['load']['seconds']:,.1f}",
        ]
        for r in results
    ]
    return _render(head, rows)


LEGEND = f"""\
items read: what DynamoDB bills the reads for (Query ScannedCount, BatchGetItem items): the
open tickets, the window's events and the tickets finished in it; never the table (a Scan
would read every one of its items). read ms is moto's: moto answers a Query of an index by
walking every item of the table, so on moto it grows with the table while items read do not.
compute: every figure, with 2,000 Monte-Carlo trials for the queue and for each owner.
publish: the scheduled job end to end (read, compute, render, 3 PutObjects + the digest's
marker, a mail to a fake mailer). Window: {DAYS} days; medians of the runs."""


def run(sizes=SIZES, runs: int = 3) -> dict[str, Any]:
    from services.adapters.flow_file import load_flow
    from services.adapters.settings import PROJECT_ROOT

    flow = load_flow(PROJECT_ROOT / "infra" / "flow.example.yaml")
    started = datetime.now(UTC)
    t0 = perf_counter()
    with emulator_env():
        results = [bench_size(o, n, runs, flow) for o, n in sizes]
    host = machine()
    print()
    print(
        f"Reports: the daily report ({DAYS}-day window). {host['cpu']} x{host['cpu_count']}, "
        f"Python {host['python']}, moto {host['packages']['moto']}, {started:%Y-%m-%d}"
    )
    print(table(results))
    print()
    print(detail_table(results))
    print()
    print(LEGEND)
    return {
        "name": "reports",
        "date": started.isoformat(timespec="seconds"),
        "machine": host,
        "seconds": round(perf_counter() - t0, 1),
        "setup": {
            "now": NOW.isoformat(),
            "window_days": DAYS,
            "runs": runs,
            "open_shares": OPEN_SHARES,
            "finished_shares": FINISHED_SHARES,
            "emulator": "moto server in this process (infra.local.emulator.Emulator), HTTP",
            "load": "direct: items put into moto's in-process table; only the window's events",
        },
        "results": results,
    }


def parse_sizes(text: str) -> tuple[tuple[int, int], ...]:
    """ "1000/10000,10000/100000": open/total pairs."""
    pairs = []
    for part in text.split(","):
        if part.strip():
            open_count, _, total = part.replace("_", "").partition("/")
            pairs.append((int(open_count), int(total)))
    return tuple(pairs)
