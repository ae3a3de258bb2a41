"""`rtflow resources create` and the checks of `rtflow serve` against the emulator (moto's
server on loopback): made once, found the second time, differences named, every fault one
line and a non-zero exit."""

from __future__ import annotations

import os
import stat

import boto3
import pytest
from click.testing import CliRunner

from services.cli import main
from tests.conftest import aws_environment

SECRET = "s" * 48


@pytest.fixture
def env(emulator, monkeypatch, request):
    for name, value in aws_environment(emulator).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RTFLOW_SECRET_KEY", SECRET)
    monkeypatch.delenv("RTFLOW_BACKEND", raising=False)
    return request.node.name.replace("_", "-")[-20:].strip("-").lower()


def _create(*args: str):
    return CliRunner().invoke(main, ["resources", "create", *args], catch_exceptions=False)


def _settings(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def test_create_makes_every_resource_and_a_second_run_finds_them(env):
    first = _create("--stage", env)
    assert first.exit_code == 0, first.output
    settings = _settings(first.stdout)
    assert settings["RTFLOW_BACKEND"] == "aws"
    assert settings["RTFLOW_TABLE_NAME"] == f"rtflow-{env}-tickets"
    assert settings["RTFLOW_SECRET_KEY"] == SECRET
    table = boto3.client("dynamodb").describe_table(TableName=settings["RTFLOW_TABLE_NAME"])
    described = table["Table"]
    assert described["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    assert {i["IndexName"] for i in described["GlobalSecondaryIndexes"]} >= {"by-status", "by-day"}
    sqs = boto3.client("sqs")
    notify = sqs.get_queue_attributes(
        QueueUrl=settings["RTFLOW_NOTIFY_QUEUE_URL"], AttributeNames=["All"]
    )["Attributes"]
    assert notify["VisibilityTimeout"] == "180"
    assert f"rtflow-{env}-notify-dlq" in notify["RedrivePolicy"]
    block = boto3.client("s3").get_public_access_block(Bucket=settings["RTFLOW_REPORTS_BUCKET"])
    assert all(block["PublicAccessBlockConfiguration"].values())

    again = _create("--stage", env)
    assert again.exit_code == 0, again.output
    assert _settings(again.stdout) == settings


def test_a_resource_that_differs_is_named_and_the_exit_is_not_zero(env):
    settings = _settings(_create("--stage", env).stdout)
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=settings["RTFLOW_NOTIFY_QUEUE_URL"], Attributes={"VisibilityTimeout": "30"}
    )
    again = _create("--stage", env)
    assert again.exit_code == 1
    assert f"differs: queue rtflow-{env}-notify: VisibilityTimeout is 30, not 180" in again.stderr
    assert "exist but differ" in again.stderr


def test_out_writes_an_owner_only_file_and_keeps_its_secret(env, tmp_path, monkeypatch):
    monkeypatch.delenv("RTFLOW_SECRET_KEY")
    out = tmp_path / "rtflow.env"
    out.write_text("RTFLOW_SECRET_KEY=" + "k" * 48 + "\n")
    made = _create("--stage", env, "--out", str(out))
    assert made.exit_code == 0, made.output
    assert _settings(out.read_text())["RTFLOW_SECRET_KEY"] == "k" * 48
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_serving_against_a_table_that_is_not_there_says_so(env):
    result = CliRunner().invoke(
        main,
        ["serve", "workers"],
        env={"RTFLOW_BACKEND": "aws", "RTFLOW_TABLE_NAME": f"rtflow-{env}-none"},
    )
    assert result.exit_code == 1
    assert f"table rtflow-{env}-none does not exist at http://127.0.0.1" in result.output
    assert "rtflow resources create" in result.output
    assert "Traceback" not in result.output


def test_serving_needs_the_queues_it_consumes(env):
    settings = _settings(_create("--stage", env).stdout)
    settings["RTFLOW_NOTIFY_QUEUE_URL"] = settings["RTFLOW_NOTIFY_QUEUE_URL"] + "-gone"
    result = CliRunner().invoke(main, ["serve", "workers"], env=settings)
    assert result.exit_code == 1
    assert "RTFLOW_NOTIFY_QUEUE_URL: queue" in result.output
    assert "does not exist" in result.output


def test_serving_the_sqlite_home_is_refused_in_words(env):
    result = CliRunner().invoke(main, ["serve", "web"], env={"RTFLOW_BACKEND": "sqlite"})
    assert result.exit_code == 1
    assert "set RTFLOW_BACKEND=aws" in result.output


def test_an_unreachable_endpoint_is_one_line(env, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    result = _create("--stage", env)
    assert result.exit_code == 1
    assert "cannot reach http://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.output


def test_missing_credentials_are_one_line(env, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = _create("--stage", env)
    assert result.exit_code == 1
    assert "no AWS credentials" in result.stderr
