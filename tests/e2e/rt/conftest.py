"""A real Request Tracker 5 (Debian's request-tracker5 with SQLite and its standalone server,
installed by `make test`: infra/rt/install.sh) on a free loopback port, for the importer."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.e2e.stack_process import free_port

RT_SERVER = Path("/usr/share/request-tracker5/libexec/rt-server")
ROOT_PASSWORD = "password"  # infra/rt/preseed.txt: a test instance on loopback
HERE = Path(__file__).parent
# The team's engineers (as in infra/flow.example.yaml) and someone who is not on the team.
RT_USERS = [
    "priya:priya@example.org:Priya Natarajan",
    "jonas:jonas@example.org:Jonas Berg",
    "zed:zed@elsewhere.example:Zed Outsider",
]


@dataclass
class Rt:
    url: str
    queue: str

    def call(self, method: str, path: str, **json) -> dict | list:
        """A REST2 write as root. Basic auth: RT's CSRF check refuses cookie writes without
        a Referer of its configured URL, and this instance listens on another port."""
        r = requests.request(
            method,
            f"{self.url}/REST/2.0/{path}",
            json=json or None,
            auth=("root", ROOT_PASSWORD),
            timeout=60,
        )
        assert r.ok, f"{method} {path}: {r.status_code} {r.text[:300]}"
        return r.json()

    def ticket(self, **fields) -> int:
        return int(self.call("POST", "ticket", Queue=self.queue, **fields)["id"])


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/", timeout=2).status_code < 500
    except requests.ConnectionError:
        return False


@pytest.fixture(scope="session")
def rt_url(tmp_path_factory) -> Iterator[str]:
    if not RT_SERVER.exists():
        pytest.fail("RT is not installed: `make test` installs it (infra/rt/install.sh)")
    port = free_port()
    log = (tmp_path_factory.mktemp("rt") / "rt-server.log").open("wb")
    server = subprocess.Popen(
        [str(RT_SERVER), "--host", "127.0.0.1", "--port", str(port), "--webpath", "/rt"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its workers go with it
    )
    url = f"http://127.0.0.1:{port}/rt"
    try:
        deadline = time.monotonic() + 60
        while not _answers(url):
            assert server.poll() is None, "rt-server stopped; see its log"
            assert time.monotonic() < deadline, "RT did not answer within 60 s"
            time.sleep(0.25)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


@pytest.fixture
def rt(rt_url) -> Rt:
    """A queue of the test's own, with the team's engineers as RT users."""
    queue = f"Ops-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["perl", str(HERE / "setup_queue.pl"), queue, *RT_USERS],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return Rt(rt_url, queue)
