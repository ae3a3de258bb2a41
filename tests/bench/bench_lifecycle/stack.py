"""The embedded stack, stepped: its pumps run one at a time in this thread, and the life-cycle
driven through its web app, each step settled before the next."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any

from .invocations import Invocation
from .observing import _CALLER, _STEP, _labelled
from .steps import AMSTERDAM

# -- the stack, stepped -------------------------------------------------------------------------


def _stack_class():
    from .stepped import SteppedStack

    return SteppedStack


@contextlib.contextmanager
def _isolated_process_state() -> Iterator[None]:
    """The stack sets AWS_* and RTFLOW_* variables and builds the process-wide container:
    put both back afterwards, so later benchmarks in this process start clean."""
    import logging

    from services.adapters.bootstrap import container

    saved = dict(os.environ)
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.WARNING)  # a line per emulator request otherwise
    container.cache_clear()
    try:
        yield
    finally:
        container.cache_clear()
        os.environ.clear()
        os.environ.update(saved)
        werkzeug.setLevel(level)


def start_moment(today: date) -> datetime:
    """A Monday 09:30 in the team's time zone at least a week ahead, in a week whose Monday
    and Tuesday are working days: every run plans the same SLA clocks and reminders."""
    from services.adapters.flow_file import load_flow
    from services.adapters.settings import PROJECT_ROOT

    holidays = set(load_flow(PROJECT_ROOT / "infra" / "flow.example.yaml").calendar.holidays)
    day = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    while day in holidays or day + timedelta(days=1) in holidays:
        day += timedelta(days=7)
    return datetime.combine(day, time(9, 30), AMSTERDAM).astimezone(UTC)


def ticket_body(start: datetime) -> dict[str, Any]:
    """A complete general request whose one needed skill (storage: "nfs") two engineers share
    equally, so triage leaves it unowned for a triager to assign."""
    today = start.date()
    return {
        "type": "general",
        "title": "More room for the analytics exports",
        "requirements": "An NFS share of 2 TB for the nightly analytics exports, mounted on "
        "the stats hosts.",
        "end_state": "The nightly exports write to the new share.",
        "acceptance_criteria": [
            "The share is mounted on every stats host",
            "One nightly export completes on it",
        ],
        "drop_dead_date": (today + timedelta(days=60)).isoformat(),
        "nice_to_have_date": (today + timedelta(days=30)).isoformat(),
        "capacity_needs": "2 TB, growing 50 GB a month",
        "security_needs": "Writable by the analytics service account only",
        "dependencies": ["Storage order #12"],
        "requester": {"name": "Ana Souza", "email": "ana@example.org"},
        "private": False,
    }


def drive(stack, app, tokens: dict[str, str], prefix: str = "") -> dict[str, Any]:
    """The life-cycle, step by step, each settled before the next. Steps are labelled
    `prefix + name` (the warm-up's are not measured)."""
    client = app.test_client()
    invocations = stack.invocations
    start = start_moment(stack.clock.now().date())
    stack.clock.set(start)
    until = datetime.combine(start.date() + timedelta(days=1), time(9, 0), AMSTERDAM)
    seen: dict[str, Any] = {"start": start.isoformat(), "postponed_until": until.isoformat()}
    number = 0

    def request(member: str | None, path: str, body: dict) -> dict:
        headers = {"Authorization": f"Bearer {tokens[member]}"} if member else {}
        label = invocations.label("web")
        began = perf_counter()
        with _labelled(_CALLER, label):
            response = client.post(path, json=body, headers=headers)
        invocations.all.append(Invocation("web", _STEP.get(), label, perf_counter() - began, True))
        if response.status_code >= 300:
            raise RuntimeError(f"{path}: {response.status_code} {response.get_data(as_text=True)}")
        return response.get_json()

    def act(member: str, action: str, body: dict) -> dict:
        return request(member, f"/api/v1/tickets/{number}/{action}", body)

    @contextlib.contextmanager
    def step(name: str, *, hold: tuple[str, ...] = ()) -> Iterator[None]:
        with _labelled(_STEP, prefix + name):
            yield
            stack.held = set(hold)
            try:
                stack.settle()
            finally:
                stack.held = set()
        seen.setdefault("statuses", {})[name] = stack_ticket(stack, number).status.value

    with step("file", hold=("triage",)):  # the acknowledgement first, triage on its own
        number = request(None, "/api/v1/tickets", ticket_body(start))["id"]
    with step("triage"):
        pass  # what filing queued for triage
    with step("assign"):
        act("mira", "assign", {"owner": "priya"})
    with step("update"):
        eta = (start.date() + timedelta(days=7)).isoformat()
        act("priya", "update", {"message": "The disks are ordered.", "eta": eta, "public": True})
    with step("postpone"):
        reason = "Waiting for the delivery"
        act("priya", "postpone", {"until": until.isoformat(), "reason": reason, "public": True})
    with step("wake"):
        stack.clock.set(until.astimezone(UTC) + timedelta(minutes=1))  # the scheduler wakes it
    with step("resolve"):
        summary = "The share is mounted; last night's export ran."
        act("priya", "resolve", {"checked": [0, 1], "summary": summary})
    with step("close"):
        act("priya", "close", {})
    seen["ticket"] = number
    return seen


def stack_ticket(stack, number: int):
    from services.adapters.bootstrap import container

    with _labelled(_STEP, "check"), _labelled(_CALLER, "check"):
        return container().tickets.get(number)
