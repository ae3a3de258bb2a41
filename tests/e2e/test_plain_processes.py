"""RT Flow's AWS backend as plain processes against an AWS-compatible endpoint: moto's
server as its own process (with the emulator's mends: stock moto_server serves concurrent
transactions unsafely, and a cancelled one can strand the relay's stream reader), `rtflow resources create`, the three `rtflow serve`
processes, and mail out over SMTP to a real SMTP server on loopback (aiosmtpd). Killing the
workers outright loses and doubles nothing: each ticket is acknowledged exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

from tests.integration.test_mail_transports import Inbox

from .stack_process import clean_env, free_port, rtflow_command
from .support import ticket_body, unique

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WAIT = 60.0


def _wait(check, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).ok
    except requests.ConnectionError:
        return False


class Processes:
    def __init__(self, tmp: Path, env: dict[str, str]):
        self.tmp, self.env, self.running = tmp, env, {}

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [*rtflow_command(), "--env-file", str(self.tmp / "rtflow.env"), *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.tmp,
        )
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        process = self.running.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.running.values():
            process.terminate()
        for process in self.running.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def endpoint() -> Iterator[str]:
    port = free_port()
    moto = subprocess.Popen(
        [sys.executable, "-m", "infra.local.emulator", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _answers(f"{url}/moto-api/"), "moto's server", 30)
        yield url
    finally:
        moto.terminate()
        moto.wait(10)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _aws_env(endpoint: str, smtp_port: int, tmp: Path) -> dict[str, str]:
    env = clean_env(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="plain",
        AWS_SECRET_ACCESS_KEY="plain",  # noqa: S106 - moto takes any key
        AWS_REGION="us-east-1",
        RTFLOW_MAIL_TRANSPORT="smtp",
        RTFLOW_SMTP_HOST="127.0.0.1",
        RTFLOW_SMTP_PORT=str(smtp_port),
        RTFLOW_DATA_DIR=str(tmp / "state"),
    )
    env.pop("RTFLOW_BACKEND")  # the env file says aws
    return env


def _file(web: str, uid: str) -> int:
    r = requests.post(f"{web}/api/v1/tickets", json=ticket_body(uid), timeout=10)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _acknowledged(inbox: Inbox, uid: str) -> list:
    to = f"req-{uid}@example.com"
    return [m for m in inbox.messages if m["To"] == to and "Received:" in str(m["Subject"])]


def test_plain_processes_file_acknowledge_and_survive_a_killed_worker(endpoint, smtp, tmp_path):
    inbox, smtp_port = smtp
    env = _aws_env(endpoint, smtp_port, tmp_path)
    made = subprocess.run(
        [*rtflow_command(), "resources", "create", "--stage", "e2e"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    settings = dict(line.split("=", 1) for line in made.stdout.splitlines())
    assert settings["RTFLOW_TABLE_NAME"] == "rtflow-e2e-tickets"
    (tmp_path / "rtflow.env").write_text(made.stdout)

    port = free_port()
    web = f"http://127.0.0.1:{port}"
    processes = Processes(tmp_path, {**env, "PORT": str(port)})
    try:
        processes.start("web", "serve", "web")
        processes.start("workers", "serve", "workers", "--poll-seconds", "0")
        processes.start("scheduler", "serve", "scheduler", "--every", "2")
        _wait(lambda: _answers(f"{web}/healthz"), "the web app")

        first = unique()
        _file(web, first)
        _wait(lambda: _acknowledged(inbox, first), "the first acknowledgement")

        processes.kill("workers")
        later = [unique() for _ in range(3)]
        for uid in later:
            _file(web, uid)
        time.sleep(1.0)
        assert not any(_acknowledged(inbox, uid) for uid in later), "no workers, yet mail went"

        processes.start("workers", "serve", "workers", "--poll-seconds", "0")
        for uid in later:
            _wait(lambda uid=uid: _acknowledged(inbox, uid), f"the acknowledgement of {uid}")
        time.sleep(3.0)  # time for a doubled relay or consumer to show itself
        for uid in [first, *later]:
            assert len(_acknowledged(inbox, uid)) == 1, uid
        assert list((tmp_path / "state").glob("relay-position-*.json"))
    finally:
        processes.stop_all()
    for name in ("web", "workers", "scheduler"):
        assert "Traceback" not in processes.log(name), processes.log(name)
