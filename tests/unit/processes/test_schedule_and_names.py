"""The scheduler process's report times, and the names `rtflow resources create` gives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infra.processes.buckets import bucket_name
from infra.processes.resources import setting_name
from infra.processes.schedule import Reports, report_periods
from infra.processes.template import Made, Resolver


def test_a_report_period_starts_at_five_utc_and_the_week_on_monday():
    assert report_periods(datetime(2026, 12, 7, 4, 59, tzinfo=UTC)) == {
        "daily": "2026-12-06",
        "weekly": "2026-W49",  # Monday before 05:00: still last week's
    }
    assert report_periods(datetime(2026, 12, 7, 5, 0, tzinfo=UTC)) == {
        "daily": "2026-12-07",
        "weekly": "2026-W50",
    }


def test_reports_run_once_per_period_and_at_once_after_a_start():
    ran: list[str] = []
    reports = Reports(ran.append)
    assert reports.tick(datetime(2026, 12, 8, 3, 0, tzinfo=UTC)) == ["daily", "weekly"]
    assert reports.tick(datetime(2026, 12, 8, 4, 59, tzinfo=UTC)) == []
    assert reports.tick(datetime(2026, 12, 8, 5, 0, tzinfo=UTC)) == ["daily"]
    assert ran == ["daily", "weekly", "daily"]


def test_a_report_that_fails_is_tried_again_at_the_next_tick():
    calls: list[str] = []

    def run(kind: str) -> None:
        calls.append(kind)
        if len(calls) == 1:
            raise RuntimeError("bucket unreachable")

    reports = Reports(run)
    now = datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
    with pytest.raises(RuntimeError):
        reports.tick(now)
    assert reports.tick(now) == ["daily", "weekly"]


def test_outputs_name_their_settings():
    assert setting_name("TicketsTableName") == "RTFLOW_TABLE_NAME"
    assert setting_name("NotifyQueueUrl") == "RTFLOW_NOTIFY_QUEUE_URL"
    assert setting_name("ReportsBucketName") == "RTFLOW_REPORTS_BUCKET"
    assert setting_name("AttachmentsBucketName") == "RTFLOW_ATTACHMENTS_BUCKET"
    assert setting_name("NotifyQueueArn") is None


def test_bucket_names_are_stable_lowercase_and_short_enough():
    assert bucket_name("rtflow-dev", "ReportsBucket", "123456789012") == (
        "rtflow-dev-reports-bucket-123456789012"
    )
    assert len(bucket_name("rtflow-" + "x" * 60, "ReportsBucket", "1")) == 63


def test_the_resolver_makes_what_a_property_names_first():
    made = {"Dlq": Made("https://q/dlq", {"Arn": "arn:dlq"})}
    resolve = Resolver("rtflow-dev", "eu-west-1", "42", made.__getitem__)
    props = {
        "QueueName": {"Fn::Sub": "${AWS::StackName}-notify"},
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
        "Url": {"Ref": "Dlq"},
        "Where": {"Fn::Sub": "${AWS::Region}/${Dlq.Arn}"},
    }
    assert resolve(props) == {
        "QueueName": "rtflow-dev-notify",
        "RedrivePolicy": {"deadLetterTargetArn": "arn:dlq"},
        "Url": "https://q/dlq",
        "Where": "eu-west-1/arn:dlq",
    }
