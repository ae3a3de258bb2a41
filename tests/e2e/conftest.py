"""The embedded stack as a running process, and the fixtures the end-to-end tests share.

One `rtflow run` serves the whole session (it takes a few seconds to start); every test files
its own tickets with unique titles and addresses, so no test depends on another's data.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from .clock_stack import ClockStack
from .stack_process import RunningStack, clean_env, free_port, start_stack
from .staff_api import Api, Tickets, parse_staff_tokens
from .support import eventually

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this directory is end-to-end, whether or not its module says so."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def running_stack() -> Iterator[RunningStack]:
    port = free_port()
    running = start_stack(["--port", str(port)], port, clean_env())
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def stack(running_stack: RunningStack) -> str:
    """The base URL of the session's embedded stack."""
    return running_stack.base_url


@pytest.fixture(scope="session")
def stack_info(stack: str) -> dict[str, Any]:
    """/dev/stack.json: the emulator endpoint, region and the resources' names."""
    r = requests.get(f"{stack}/dev/stack.json", timeout=10)
    r.raise_for_status()
    return r.json()


@pytest.fixture(scope="session")
def mail(stack: str) -> Callable[[], list[dict[str, Any]]]:
    """Every captured mail so far."""

    def messages() -> list[dict[str, Any]]:
        r = requests.get(f"{stack}/dev/mail.json", timeout=10)
        r.raise_for_status()
        return r.json()["messages"]

    return messages


@pytest.fixture(scope="session")
def wait_for_mail(mail) -> Callable[..., list[dict[str, Any]]]:
    """wait_for_mail(predicate, timeout=10, count=1): the captured mails matching `predicate`,
    as soon as there are at least `count` of them; fails after `timeout` seconds."""

    def wait(
        predicate: Callable[[dict[str, Any]], bool], timeout: float = 10, count: int = 1
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            messages = mail()
            found = [m for m in messages if predicate(m)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = "\n".join(f"  {m['to']} {m['subject']!r}" for m in messages[-20:])
                raise AssertionError(
                    f"expected {count} matching mail(s) within {timeout}s, found {len(found)}; "
                    f"the last mails captured:\n{seen or '  (none)'}"
                )
            time.sleep(0.2)

    return wait


@pytest.fixture(scope="session")
def staff_tokens(running_stack) -> dict[str, str]:
    """member → staff token, as the session's stack printed them at start."""
    return eventually(
        lambda: parse_staff_tokens(running_stack.output()),
        timeout=15,
        what="the stack to print the staff tokens",
    )


@pytest.fixture(scope="session")
def api(stack, stack_info, staff_tokens, flow) -> Api:
    limits = {m.id: m.wip_limit for m in flow.team.members}
    return Api(stack, staff_tokens, limits, stack_info)


@pytest.fixture
def tickets(api) -> Iterator[Tickets]:
    held = Tickets(api)
    try:
        yield held
    finally:
        held.finish_all()


@pytest.fixture(scope="module")
def clock_stack(flow) -> Iterator[ClockStack]:
    """A stack of the module's own with a test clock: moving it moves it for every ticket."""
    port = free_port()
    running = start_stack(["--port", str(port)], port, clean_env())
    try:
        tokens = eventually(
            lambda: parse_staff_tokens(running.output()),
            timeout=15,
            what="the stack to print the staff tokens",
        )
        info = requests.get(f"{running.base_url}/dev/stack.json", timeout=10).json()
        limits = {m.id: m.wip_limit for m in flow.team.members}
        yield ClockStack(
            running, Api(running.base_url, tokens, limits, info), frozenset(flow.calendar.holidays)
        )
    finally:
        running.stop()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


# --- the browser: Debian's chromium (installed by `make test`), driven by pytest-playwright --

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    # This machine's network is closed: no background calls home, no first-run work.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
