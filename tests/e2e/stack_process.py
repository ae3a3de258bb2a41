"""Starting and stopping `rtflow run` as a child process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rtflow_command() -> list[str]:
    """The installed `rtflow` script of this interpreter's environment, else the module."""
    script = Path(sys.executable).with_name("rtflow")
    if script.exists():
        return [str(script)]
    found = shutil.which("rtflow")
    return [found] if found else [sys.executable, "-m", "services.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without settings that would point the stack somewhere else."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RTFLOW_", "AWS_")) and k not in ("PORT",)
    }
    env["PYTHONUNBUFFERED"] = "1"
    env["RTFLOW_SMTP_IN_PORT"] = "0"  # mail in on a free port: stacks may run side by side
    env["RTFLOW_BACKEND"] = "aws"  # the embedded AWS stack, unless a test asks for the SQLite home
    # Every client of the suite is 127.0.0.1 and a stack outlives many tests: the per-client
    # limits would add up across unrelated tests (tests/integration/security/ tests them).
    env["RTFLOW_LIMIT_REFUSED_CREDENTIALS"] = "100000/minute"
    env["RTFLOW_LIMIT_QUEUE_READERS"] = "100000/minute"
    env.update(extra)
    return env


@dataclass
class RunningStack:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError as e:
            return f"(no output: {e})"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        self.log_path.unlink(missing_ok=True)


def start_stack(args: list[str], port: int, env: dict[str, str]) -> RunningStack:
    """Start `rtflow run <args>` and wait until GET /healthz answers 200 on `port`.

    On failure the process is stopped and the test fails with its output."""
    fd, log_name = tempfile.mkstemp(prefix="rtflow-e2e-", suffix=".log")
    log_path = Path(log_name)
    with os.fdopen(fd, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [*rtflow_command(), "run", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    running = RunningStack(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + START_TIMEOUT
    problem = f"no answer from {running.base_url}/healthz within {START_TIMEOUT:.0f}s"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            problem = f"rtflow run exited with code {process.returncode}"
            break
        try:
            if requests.get(f"{running.base_url}/healthz", timeout=1).status_code == 200:
                return running
        except requests.RequestException:
            pass
        time.sleep(0.2)
    output = running.output()
    running.stop()
    pytest.fail(f"the embedded stack did not start: {problem}\n--- output ---\n{output}")
