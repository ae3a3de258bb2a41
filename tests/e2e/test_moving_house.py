"""Moving house on the default home: tickets filed and acted on in one SQLite home, exported
with `rtflow export`, imported with `rtflow import` into a fresh data directory with the same
secret key, and served from there: the same tickets and histories, old status links open,
numbering goes on above the highest, and no imported ticket is acknowledged again. Importing
the same file a second time changes nothing."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import time
from pathlib import Path

import pytest
import requests

from .stack_process import ROOT, RunningStack, clean_env, free_port, rtflow_command, start_stack
from .support import eventually, ticket_body, wait_until_acknowledged

pytestmark = pytest.mark.slow

FILED = 3


def home_env(data_dir: Path, secret_key: str) -> dict[str, str]:
    return clean_env(
        RTFLOW_BACKEND="sqlite", RTFLOW_DATA_DIR=str(data_dir), RTFLOW_SECRET_KEY=secret_key
    )


def start_home(data_dir: Path, secret_key: str) -> RunningStack:
    port = free_port()
    return start_stack(["--port", str(port)], port, home_env(data_dir, secret_key))


def rtflow(args: list[str], data_dir: Path, secret_key: str) -> subprocess.CompletedProcess:
    done = subprocess.run(  # noqa: S603 - our own command line
        [*rtflow_command(), *args],
        cwd=ROOT,
        env=home_env(data_dir, secret_key),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"rtflow {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def view(base_url: str, number: int, token: str) -> dict:
    r = requests.get(f"{base_url}/api/v1/tickets/{number}", params={"token": token}, timeout=10)
    assert r.status_code == 200, f"#{number}: {r.status_code} {r.text}"
    return r.json()


def subjects(base_url: str) -> list[str]:
    r = requests.get(f"{base_url}/dev/mail.json", timeout=10)
    r.raise_for_status()
    return [m["subject"] for m in r.json()["messages"]]


def acknowledged(base_url: str) -> list[int]:
    """The ticket of every "Received:" mail, one entry per mail."""
    return [int(m[1]) for s in subjects(base_url) if (m := re.search(r"#(\d+)\] Received: ", s))]


def file_and_act(base_url: str) -> dict[int, str]:
    """File a few tickets, each acknowledged, and have the requester reply on the first;
    their numbers and status tokens."""
    filed: dict[int, str] = {}
    for _ in range(FILED):
        r = requests.post(f"{base_url}/api/v1/tickets", json=ticket_body(), timeout=10)
        assert r.status_code == 201, r.text
        filed[r.json()["id"]] = r.json()["status_url"].rpartition("token=")[2]
    for number, token in filed.items():
        wait_until_acknowledged(base_url, number, token, timeout=30)
    first = min(filed)
    r = requests.post(
        f"{base_url}/api/v1/tickets/{first}/reply",
        params={"token": filed[first]},
        json={"message": "The old keys are in the vault, folder 2026."},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return filed


def settled_views(base_url: str, filed: dict[int, str]) -> dict[int, dict]:
    """Every ticket's view once the consumers have done with them (two reads a second apart
    agree)."""
    seen: list[dict[int, dict]] = [{}]

    def still() -> dict[int, dict] | None:
        now = {n: view(base_url, n, token) for n, token in filed.items()}
        last, seen[0] = seen[0], now
        time.sleep(1.0)
        return now if now == last else None

    return eventually(still, timeout=30, interval=0, what="the tickets to settle")


def lines_by_number(text: str) -> dict[int, str]:
    return {json.loads(line)["ticket"]["number"]: line for line in text.splitlines() if line}


def test_export_then_import_into_a_fresh_home_keeps_tickets_links_and_numbering(tmp_path):
    key = secrets.token_urlsafe(48)
    old_dir, new_dir, file = tmp_path / "old", tmp_path / "new", tmp_path / "tickets.jsonl"

    old = start_home(old_dir, key)
    try:
        filed = file_and_act(old.base_url)
        before = settled_views(old.base_url, filed)
    finally:
        old.stop()
    assert "ticket.replied" in [h["kind"] for h in before[min(filed)]["history"]]

    exported = rtflow(["export", "--out", str(file)], old_dir, key)
    assert f"exported {FILED} tickets" in exported.stdout
    imported = rtflow(["import", str(file)], new_dir, key)
    assert f"imported {FILED} tickets" in imported.stdout

    new = start_home(new_dir, key)
    try:
        base = new.base_url
        for number, token in filed.items():
            assert view(base, number, token) == before[number], f"#{number} moved unchanged"
            page = requests.get(f"{base}/tickets/{number}", params={"token": token}, timeout=10)
            assert page.status_code == 200 and before[number]["title"] in page.text

        r = requests.post(f"{base}/api/v1/tickets", json=ticket_body(), timeout=10)
        assert r.status_code == 201, r.text
        newest = r.json()["id"]
        assert newest > max(filed), "numbering goes on above the highest"
        # The new ticket's acknowledgement has come: the consumers have read the outbox.
        eventually(lambda: newest in acknowledged(base), timeout=30, what="the new ticket's ack")
        assert acknowledged(base) == [newest], "no imported ticket is acknowledged again"
    finally:
        new.stop()

    # Stopped, so nothing else writes (the timers of imported tickets are re-planned once the
    # home runs): the second import alone is between the two exports.
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    rtflow(["export", "--out", str(first)], new_dir, key)
    again = rtflow(["import", str(file)], new_dir, key)
    assert f"imported 0 tickets (0 events) from {file}" in again.stdout
    assert f"skipped {FILED}" in again.stdout
    rtflow(["export", "--out", str(second)], new_dir, key)
    assert second.read_bytes() == first.read_bytes()
    assert set(lines_by_number(second.read_text(encoding="utf-8"))) == {*filed, newest}
