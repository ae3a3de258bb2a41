"""The report job with fakes for the table, the store and the mailer: what it reads, the HTML,
CSV and JSON it writes, and the digest mailed once per period."""

from __future__ import annotations

import csv
import io
import json

import pytest

from services.application import reports as job
from services.domain.lifecycle import Status
from services.domain.mail import MailNotSent
from services.domain.reports import Report
from tests.fakes import FakeMailer, FakeTicketRepository, FixedClock
from tests.unit.report_builders import NOW, D, H, filed, moved, ticket

# -- the job, with fakes -------------------------------------------------------------------


class FakeStore:
    def __init__(self):
        self.objects: dict[str, bytes] = {}
        self.types: dict[str, str] = {}
        self.markers: set[str] = set()

    def put(self, kind, period, fmt, body, content_type):
        key = f"reports/{kind}/{period}/report.{fmt}"
        self.objects[key], self.types[key] = body, content_type
        return key

    def get(self, kind, period, fmt):
        return self.objects.get(f"reports/{kind}/{period}/report.{fmt}")

    def periods(self, kind, limit=10):
        found = {k.split("/")[2] for k in self.objects if k.startswith(f"reports/{kind}/")}
        return sorted(found, reverse=True)[:limit]

    def claim(self, kind, period, name):
        key = f"{kind}/{period}/{name}"
        if key in self.markers:
            return False
        self.markers.add(key)
        return True

    def release(self, kind, period, name):
        self.markers.discard(f"{kind}/{period}/{name}")


@pytest.fixture
def deps(team):
    repo = FakeTicketRepository()
    created = NOW - 3 * D
    for number, status, owner in (
        (1, Status.TRIAGED, None),
        (2, Status.IN_PROGRESS, "ana"),
        (3, Status.RESOLVED, "ben"),
    ):
        t = ticket(number, created, status, owner=owner, title="<script>alert(1)</script>")
        repo.tickets[number] = t
        repo.events[number] = [filed(number, created)]
    repo.events[3].append(moved(3, created + 5 * H, "new", "resolved", actor="staff:ben"))
    return job.ReportDeps(
        tickets=repo,
        flow=team,
        clock=FixedClock(NOW),
        store=FakeStore(),
        mailer=FakeMailer(),
        base_url="http://rt.example.org",
    )


def test_the_job_reads_each_open_status_each_day_and_the_finished_tickets(deps):
    ticks = []
    r = job.generate(deps, "daily", days=5, progress=ticks.append)
    assert len(ticks) == job.steps(5) == 6 + 5 + 1
    assert r.open_tickets == 2 and r.period == "2026-11-27" and r.window_days == 5
    assert sum(d.done for d in r.daily_done) == 1
    assert {t.type: t.done for t in r.throughput}["general"] == 1


def test_html_escapes_titles_has_no_script_and_reads_without_charts(deps):
    r = job.generate(deps, "daily")
    page = job.render_html(r, deps.base_url)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<svg") == 6
    assert 'href="http://rt.example.org/staff/tickets/1"' in page
    bare = job.render_html(r, with_charts=False)
    assert "<svg" not in bare and "<table" in bare


def test_csv_has_a_section_per_table_and_json_holds_the_whole_report(deps):
    r = job.generate(deps, "weekly")
    text = job.render_csv(r)
    sections = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    assert sections[:3] == ["summary", "aging_by_status", "aging_by_owner"]
    assert "forecast" in sections and "agenda_unowned" in sections
    rows = list(csv.reader(io.StringIO(text)))
    unowned = rows[rows.index(["# agenda_unowned"]) + 2]
    assert unowned[:2] == ["1", "<script>alert(1)</script>"]  # CSV is data: not escaped
    assert Report.model_validate_json(job.render_json(r)) == r
    assert json.loads(job.render_json(r))["period"] == "2026-W48"


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(deps):
    deps.tickets.tickets[1].title = "=HYPERLINK(1)"
    text = job.render_csv(job.generate(deps, "daily"))
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


def test_publish_writes_three_formats_and_mails_the_digest_once_per_period(deps):
    first = job.publish(deps, "daily")
    assert first.keys == [
        "reports/daily/2026-11-27/report.html",
        "reports/daily/2026-11-27/report.csv",
        "reports/daily/2026-11-27/report.json",
    ]
    assert first.mailed
    again = job.publish(deps, "daily")
    assert again.keys == first.keys and not again.mailed
    (mail,) = deps.mailer.outbox
    assert mail.to == ("ops@example.org",)
    assert mail.subject == "[Ops] Daily report 2026-11-27: 2 open"
    assert "nobody owns: 1" in mail.text and "#1 <script>alert(1)</script>" in mail.text
    assert mail.html is not None and "&lt;script&gt;" in mail.html
    weekly = job.publish(deps, "weekly")
    assert weekly.mailed and len(deps.mailer.outbox) == 2


def test_a_digest_that_certainly_failed_is_sent_by_the_next_run(deps):
    deps.mailer.fail_for = {"ops@example.org"}
    with pytest.raises(MailNotSent):
        job.publish(deps, "daily")
    assert deps.store.get("daily", "2026-11-27", "json") is not None  # the report is there
    deps.mailer.fail_for = set()
    assert job.publish(deps, "daily").mailed


def test_if_missing_skips_a_period_that_has_its_report(deps):
    assert not job.publish(deps, "daily", if_missing=True).skipped
    assert job.publish(deps, "daily", if_missing=True).skipped
    assert len(deps.mailer.outbox) == 1


def test_durations_read_as_minutes_hours_or_days():
    assert [job.duration(h) for h in (None, 0.25, 5, 47.9, 72)] == [
        "–",
        "15 min",
        "5.0 h",
        "47.9 h",
        "3.0 d",
    ]
