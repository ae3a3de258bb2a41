"""A real Prometheus Alertmanager (Debian's prometheus-alertmanager, installed by `make test`)
notifies the embedded stack's /hooks/alertmanager: a firing group files one incident ticket,
a repeated notification of the group comments on it, and the resolved one leaves a note."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from .stack_process import STOP_TIMEOUT, clean_env, free_port
from .support import TEAM_LIST, eventually, unique

pytestmark = pytest.mark.e2e

ALERTMANAGER = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
READY_TIMEOUT = 15.0
FILING_TIMEOUT = 20.0


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def config(hook: dict[str, str]) -> dict[str, Any]:
    """One route to the stack's hook, notifying fast: a group's first notification after 1s,
    its changes every 2s, never a mere repeat within the test."""
    return {
        "route": {
            "receiver": "rtflow",
            "group_by": ["alertname"],
            "group_wait": "1s",
            "group_interval": "2s",
            "repeat_interval": "4h",
        },
        "receivers": [
            {
                "name": "rtflow",
                "webhook_configs": [
                    {
                        "url": hook["url"],
                        "send_resolved": True,
                        "http_config": {
                            "authorization": {"type": "Bearer", "credentials": hook["secret"]}
                        },
                    }
                ],
            }
        ],
    }


@dataclass
class Alertmanager:
    process: subprocess.Popen
    url: str
    log_path: Path

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError as e:
            return f"(no output: {e})"

    def post(self, *alerts: dict[str, Any]) -> None:
        r = requests.post(f"{self.url}/api/v2/alerts", json=list(alerts), timeout=10)
        assert r.status_code == 200, f"Alertmanager refused the alerts: {r.status_code} {r.text}"

    def webhook_metrics(self) -> str:
        """Its counters of webhook notifications sent and failed: what went wrong, when."""
        try:
            text = requests.get(f"{self.url}/metrics", timeout=5).text
        except requests.RequestException as e:
            return f"(no metrics: {e})"
        return "\n".join(
            line
            for line in text.splitlines()
            if line.startswith("alertmanager_notification") and 'integration="webhook"' in line
        )

    def explain(self) -> str:
        return (
            f"--- Alertmanager's webhook counters ---\n{self.webhook_metrics()}\n"
            f"--- Alertmanager's log ---\n{self.output()[-6000:]}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)


@pytest.fixture
def alertmanager(stack_info, tmp_path: Path) -> Iterator[Alertmanager]:
    if not Path(ALERTMANAGER).exists():
        pytest.fail(
            "Debian's Alertmanager is missing: `make test` installs it "
            "(apt-get install prometheus-alertmanager)"
        )
    config_file = tmp_path / "alertmanager.yml"
    config_file.write_text(json.dumps(config(stack_info["hooks"]["alertmanager"]), indent=2))
    (tmp_path / "data").mkdir()
    port = free_port()
    log_path = tmp_path / "alertmanager.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - a fixed binary, our own arguments
            [
                ALERTMANAGER,
                f"--config.file={config_file}",
                f"--storage.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                f"--web.external-url=http://127.0.0.1:{port}",  # the tickets' link back
                "--cluster.listen-address=",  # no HA mode: it would bind 0.0.0.0:9094
                "--log.level=debug",
            ],
            cwd=tmp_path,
            env=clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    running = Alertmanager(process, f"http://127.0.0.1:{port}", log_path)
    try:

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(
                    f"Alertmanager exited with code {process.returncode}:\n{running.output()}"
                )
            try:
                return requests.get(f"{running.url}/-/ready", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        try:
            eventually(ready, timeout=READY_TIMEOUT, what="Alertmanager to be ready")
        except AssertionError as e:
            raise AssertionError(f"{e}\n{running.output()}") from None
        yield running
    finally:
        running.stop()


def alert(name: str, instance: str, summary: str) -> dict:
    now = datetime.now(UTC)
    uid = instance.split(":")[0]
    return {
        "labels": {"alertname": name, "instance": instance, "severity": "critical"},
        "annotations": {
            "summary": summary,
            "description": f"{instance}: / is 97% full and grows 2 GB an hour.",
        },
        "startsAt": rfc3339(now),
        "endsAt": rfc3339(now + timedelta(days=1)),
        "generatorURL": f"http://prometheus.example.org/graph?g0.expr=up%7Binstance%3D%22{uid}%22%7D",
    }


def titled(api, stack_info, title: str) -> list[int]:
    """Every ticket of that title in the table: there is no API to list tickets."""
    pages = api.dynamodb.get_paginator("scan").paginate(
        TableName=stack_info["outputs"]["TicketsTableName"],
        FilterExpression="#sk = :meta AND #title = :title",
        ExpressionAttributeNames={"#sk": "sk", "#title": "title"},
        ExpressionAttributeValues={":meta": {"S": "META"}, ":title": {"S": title}},
        ConsistentRead=True,
    )
    return sorted(int(i["pk"]["S"].removeprefix("TICKET#")) for p in pages for i in p["Items"])


def test_a_real_alertmanager_files_an_incident_comments_and_notes_the_resolution(
    alertmanager, api, stack_info, tickets, wait_for_mail
):
    uid = unique()
    name = f"DiskFull{uid}"
    summary = f"Disk full on db-{uid}"
    first = alert(name, f"db-{uid}-1:9100", summary)
    alertmanager.post(first)

    def filed() -> list[int]:
        numbers = {
            int(m.group(1))
            for mail in wait_for_mail(
                lambda x: summary in x["subject"] and TEAM_LIST in x["to"],
                timeout=FILING_TIMEOUT,
            )
            if (m := re.search(r"#(\d+)\]", mail["subject"]))
        }
        return sorted(numbers)

    try:
        numbers = filed()
    except AssertionError as e:
        raise AssertionError(f"{e}\n{alertmanager.explain()}") from None
    assert len(numbers) == 1, f"the alert filed tickets {numbers}"
    number = numbers[0]
    tickets.track(number)  # rejected at the end: it may hold an on-call's WIP slot
    ticket = api.view(number)
    assert ticket["title"] == summary
    assert ticket["type"] == "incident-followup"
    assert f"{name}: {summary}" in ticket["requirements"]
    opened = ticket["history"][0]
    assert (opened["kind"], opened["actor"]) == ("ticket.filed", "source:alertmanager"), opened
    assert opened["data"]["source"] == "alertmanager"
    assert opened["data"]["url"] == alertmanager.url  # its --web.external-url

    def comments(resolved: bool) -> list[dict]:
        return [
            h
            for h in api.view(number)["history"]
            if h["kind"] == "ticket.commented" and bool(h["data"].get("resolved")) is resolved
        ]

    def waiting(what: str, probe) -> list[dict]:
        try:
            return eventually(probe, timeout=FILING_TIMEOUT, interval=0.3, what=what)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{alertmanager.explain()}") from None

    # A second alert of the group: Alertmanager notifies the grown group, still firing. The
    # thread has its ticket, so the notification comments on it instead of filing another.
    second = alert(name, f"db-{uid}-2:9100", summary)
    alertmanager.post(second)
    again = waiting(f"the repeated notification on #{number}", lambda: comments(resolved=False))
    assert again[0]["actor"] == "source:alertmanager"

    # Both stop: the group's "resolved" notification is a note (on_resolved: note).
    now = datetime.now(UTC)
    alertmanager.post(
        first | {"endsAt": rfc3339(now)},
        second | {"endsAt": rfc3339(now)},
    )
    resolved = waiting(f"the resolution on #{number}", lambda: comments(resolved=True))
    assert len(resolved) == 1
    assert resolved[0]["actor"] == "source:alertmanager"
    assert resolved[0]["data"]["message"].startswith("2 alerts resolved:")

    ticket = api.view(number)
    kinds = [h["kind"] for h in ticket["history"]]
    assert ticket["status"] != "closed" and "ticket.withdrawn" not in kinds  # a note, no close
    assert kinds.count("ticket.filed") == 1
    assert titled(api, stack_info, summary) == [number]
