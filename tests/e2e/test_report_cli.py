"""`rtflow report` reads the embedded AWS stack that runs here without a hand-set variable
(its settings file in the data directory), and says in one line what to set when there is
nothing to read."""

from __future__ import annotations

import json
import subprocess

import pytest
import requests

from tests.conftest import valid_ticket
from tests.e2e.stack_process import ROOT, clean_env, free_port, rtflow_command, start_stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def rtflow(args: list[str], data_dir, **env: str) -> subprocess.CompletedProcess:
    environment = clean_env(RTFLOW_DATA_DIR=str(data_dir), **env)
    if "RTFLOW_BACKEND" not in env:
        del environment["RTFLOW_BACKEND"]  # nothing chosen, as in a fresh shell
    return subprocess.run(  # noqa: S603 - our own command line
        [*rtflow_command(), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_report_reads_the_running_embedded_aws_stack_by_itself(tmp_path):
    port = free_port()
    stack = start_stack(["--port", str(port)], port, clean_env(RTFLOW_DATA_DIR=str(tmp_path)))
    try:
        filed = requests.post(f"{stack.base_url}/api/v1/tickets", json=valid_ticket(), timeout=10)
        assert filed.status_code == 201, filed.text
        assert (tmp_path / "aws-stack.env").stat().st_mode & 0o077 == 0  # its secret inside

        done = rtflow(["report", "--format", "json"], tmp_path)
        assert done.returncode == 0, done.stderr
        assert "reading the embedded AWS stack at http://127.0.0.1:" in done.stderr
        report = json.loads(done.stdout)
        assert report["open_tickets"] >= 1, report
    finally:
        stack.stop()
    assert not (tmp_path / "aws-stack.env").exists()  # gone with the stack

    nothing = rtflow(["report"], tmp_path)
    assert nothing.returncode == 1
    [line] = nothing.stderr.strip().splitlines()
    assert line.startswith(f"Error: no RT Flow home in {tmp_path}")
    assert "RTFLOW_DATA_DIR" in line


def test_an_aws_home_without_its_settings_says_what_to_set_in_one_line(tmp_path):
    done = rtflow(["report"], tmp_path, RTFLOW_BACKEND="aws")
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "RTFLOW_SECRET_KEY" in line and "AWS credentials" in line and "--env-file" in line
