"""The reports job on the real adapters (the emulator: the table, its indexes and the reports
bucket from infra/resources): tickets filed and worked through the domain with a fixed clock,
the scheduled function writes the day's HTML, CSV and JSON to S3 and mails one digest however
often it runs, reads through the indexes only (no Scan), and the staff page and the CLI show
what it made."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import timedelta

import botocore.client
import pytest
from click.testing import CliRunner

from services.adapters import bootstrap
from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.application import actions
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.triage import TriageDeps, triage
from services.domain.actors import Actor
from services.intake.app import create_app
from services.scheduler import report_handler
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer

XSS = "<script>evil()</script>"
UNOWNED = {"title": XSS, "requirements": "Please move the office plants to the kitchen."}
FOR_MIRA = {
    "title": "Add a DNS record for the new wiki",
    "requirements": "Create a CNAME record pointing wiki-new at the load balancer.",
}
DAY = "2026-11-27"  # the fixed clock's day
BASE = f"reports/daily/{DAY}/report"


@pytest.fixture
def container(aws, flow, clock):
    settings = Settings(
        table_name=aws["TicketsTableName"],
        notify_queue_url=aws["NotifyQueueUrl"],
        reports_bucket=aws["ReportsBucketName"],
        secret_key="test-secret-" * 4,
        base_url="http://rt.example.org",
    )
    return build(settings, flow=flow, clock=clock, mailer=FakeMailer())


def file(container, **overrides) -> int:
    filed = file_ticket(
        valid_ticket(**overrides),
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    )
    triage(filed.ticket.number, TriageDeps(container.tickets, container.flow, container.clock))
    return filed.ticket.number


def act(container, member: str, number: int, action: str, body: dict | None = None):
    deps = TicketDeps(
        tickets=container.tickets,
        flow=container.flow,
        clock=container.clock,
        secret_key=container.settings.secret_key,
    )
    return actions.perform(
        number, action, body or {}, Actor.staff(container.flow.member(member)), deps
    )


@pytest.fixture
def worked(container, clock):
    """Three days ago: an unowned ticket (a script for a title), one Mira starts, one she
    resolves a day later. The clock is back at its day afterwards."""
    now = clock.now()
    clock.current = now - timedelta(days=3)
    unowned = file(container, **UNOWNED)
    started = file(container, **FOR_MIRA)
    clock.advance(hours=2)
    act(container, "mira", started, "start")
    done = file(container, **FOR_MIRA)
    act(container, "mira", done, "start")
    clock.advance(days=1)
    act(container, "mira", done, "resolve", {"checked": [0, 1], "summary": "Record added."})
    clock.current = now
    return {"unowned": unowned, "started": started, "done": done}


@pytest.fixture
def calls(monkeypatch):
    counted: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        counted[operation] += 1
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return counted


@pytest.fixture
def run(container, monkeypatch):
    """The Lambda entry as the schedule calls it, on this test's container."""
    monkeypatch.setattr(bootstrap, "container", lambda: container)
    return lambda event: report_handler.handler(event, None)


def objects(container, prefix: str = "reports/") -> dict[str, bytes]:
    s3 = container.client("s3")
    bucket = container.settings.reports_bucket
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def test_the_daily_job_writes_three_formats_and_mails_one_digest_when_run_twice(
    container, worked, run
):
    first = run({"kind": "daily"})
    assert first["period"] == DAY and first["mailed"] and first["open"] == 2
    second = run({"kind": "daily"})
    assert second["keys"] == first["keys"] and not second["mailed"]

    stored = objects(container)
    assert set(stored) == {
        f"{BASE}.html",
        f"{BASE}.csv",
        f"{BASE}.json",
        f"reports/daily/{DAY}/digest.marker",
    }
    (mail,) = container.mailer.outbox
    assert mail.to == ("techops@example.org",)
    assert mail.subject == f"[TechOps] Daily report {DAY}: 2 open"
    assert "http://rt.example.org/staff/reports" in mail.text

    report = json.loads(stored[f"{BASE}.json"])
    assert report["open_tickets"] == 2
    assert [t["number"] for t in report["agenda"]["unowned"]] == [worked["unowned"]]
    assert sum(d["done"] for d in report["daily_done"]) == 1
    general = next(t for t in report["throughput"] if t["type"] == "general")
    assert (general["done"], general["resolved"]) == (1, 1)
    mira = next(w for w in report["wip"] if w["member"] == "mira")
    assert (mira["wip"], mira["limit"]) == (1, 3)
    assert "# agenda_unowned\nnumber,title" in stored[f"{BASE}.csv"].decode()


def test_the_page_escapes_a_script_in_a_title(container, worked, run):
    run({"kind": "daily"})
    page = objects(container)[f"{BASE}.html"].decode()
    assert "&lt;script&gt;evil()&lt;/script&gt;" in page
    assert "<script" not in page
    assert page.count("<svg") == 6


def test_the_job_reads_through_the_indexes_never_a_scan(container, worked, run, calls):
    container.tickets  # noqa: B018 - the adapters exist before counting
    run({"kind": "daily"})
    assert "Scan" not in calls
    # One Query per open status and per day of the 28-day window; the tickets of each open
    # status that holds some (two here) read by key, as its index holds keys only; the
    # resolved ticket's item by key, for its type and filing time.
    assert calls["Query"] == 6 + 28
    assert calls["BatchGetItem"] == 2 + 1
    assert calls["PutObject"] == 3 + 1  # the report, and the digest's marker


def test_the_weekly_report_has_its_iso_week(container, worked, run):
    assert run({"kind": "weekly"})["period"] == "2026-W48"
    assert "reports/weekly/2026-W48/report.json" in objects(container)
    with pytest.raises(ValueError):
        run({"kind": "hourly"})


def test_if_missing_writes_only_the_first_time(container, worked, run, calls):
    assert not run({"kind": "daily", "if_missing": True})["skipped"]
    calls.clear()
    assert run({"kind": "daily", "if_missing": True})["skipped"]
    assert calls == Counter({"GetObject": 1})


# -- the staff page ------------------------------------------------------------------------


def sign_in(client, container, member: str = "mira"):
    token = container.staff_tokens.issue(member)
    page = client.get("/staff/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/staff/login", data={"csrf_token": csrf, "token": token}).status_code == 303
    return client


def test_the_staff_page_lists_the_reports_and_shows_the_latest(container, worked, run):
    run({"kind": "daily"})
    client = create_app(container).test_client()
    assert client.get("/staff/reports/").status_code == 303  # the console's sign-in
    sign_in(client, container)

    page = client.get("/staff/reports/")
    assert page.status_code == 200
    assert f'href="/staff/reports/daily/{DAY}/report.csv"' in page.text
    assert f'<iframe src="/staff/reports/daily/{DAY}/report.html"' in page.text
    assert "No weekly report yet." in page.text
    assert 'aria-current="page">Reports</a>' in page.text  # the console's navigation

    shown = client.get(f"/staff/reports/daily/{DAY}/report.html")
    assert shown.status_code == 200
    assert shown.data == objects(container)[f"{BASE}.html"]
    policy = shown.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "frame-ancestors 'self'" in policy

    table = client.get(f"/staff/reports/daily/{DAY}/report.csv")
    assert table.headers["Content-Disposition"] == (
        f'attachment; filename="rtflow-daily-{DAY}.csv"'
    )
    assert client.get("/staff/reports/daily/2026-11-26/report.html").status_code == 404
    assert client.get("/staff/reports/daily/..%2Fx/report.html").status_code == 404
    assert client.get(f"/staff/reports/hourly/{DAY}/report.html").status_code == 404


def test_without_a_bucket_the_page_says_so(aws, flow, clock):
    settings = Settings(table_name=aws["TicketsTableName"], secret_key="test-secret-" * 4)
    container = build(settings, flow=flow, clock=clock)
    client = sign_in(create_app(container).test_client(), container)
    page = client.get("/staff/reports/")
    assert page.status_code == 200 and "RTFLOW_REPORTS_BUCKET" in page.text
    assert client.get(f"/staff/reports/daily/{DAY}/report.html").status_code == 404


# -- the command line ----------------------------------------------------------------------


def test_the_cli_makes_a_report_on_demand_with_a_progress_bar(
    container, worked, monkeypatch, tmp_path
):
    from services import cli

    monkeypatch.setattr(cli, "_container_for_cli", lambda: container)
    runner = CliRunner()
    result = runner.invoke(cli.main, ["report", "--format", "json", "--days", "7"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["open_tickets"], report["window_days"]) == (2, 7)
    assert "Reading tickets and events" in result.stderr

    out = tmp_path / "week.html"
    result = runner.invoke(cli.main, ["report", "--kind", "weekly", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "TechOps: weekly report 2026-W48" in page and "&lt;script&gt;" in page
    assert f"wrote the weekly report 2026-W48 (html) to {out}" in result.stderr
    assert objects(container) == {}  # on demand: nothing stored, nothing mailed
    assert container.mailer.outbox == []
