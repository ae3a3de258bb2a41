"""A real Prometheus Alertmanager (Debian's prometheus-alertmanager, installed by `make test`)
notifies the embedded stack's /hooks/alertmanager through an alert group's whole life: it
fires (one alert ticket), repeats itself (nothing new: no word on the ticket), another alert
joins (named on the ticket), all resolve (the ticket is resolved, as the example config's
on_resolved says) and it fires again (the same ticket reopens)."""

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
    its changes every 2s, and the same again (a repeat) every few seconds."""
    return {
        "route": {
            "receiver": "rtflow",
            "group_by": ["alertname"],
            "group_wait": "1s",
            "group_interval": "2s",
            "repeat_interval": "3s",
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

    def sent(self) -> int:
        """Webhook notifications it has sent (and the hook took) so far."""
        for line in self.webhook_metrics().splitlines():
            if line.startswith("alertmanager_notifications_total"):
                return int(float(line.rsplit(" ", 1)[1]))
        return 0

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


def test_a_real_alertmanager_drives_an_alert_tickets_whole_life(
    alertmanager, api, stack_info, tickets, wait_for_mail
):
    uid = unique()
    name = f"DiskFull{uid}"
    summary = f"Disk full on db-{uid}"
    first = alert(name, f"db-{uid}-1:9100", summary)

    def waiting(what: str, probe, timeout: float = FILING_TIMEOUT):
        try:
            return eventually(probe, timeout=timeout, interval=0.3, what=what)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{alertmanager.explain()}") from None

    # It fires: one alert ticket, from Alertmanager, linking back to it.
    alertmanager.post(first)
    try:
        mails = wait_for_mail(
            lambda x: summary in x["subject"] and TEAM_LIST in x["to"], timeout=FILING_TIMEOUT
        )
    except AssertionError as e:
        raise AssertionError(f"{e}\n{alertmanager.explain()}") from None
    [number] = {int(m.group(1)) for x in mails if (m := re.search(r"#(\d+)\]", x["subject"]))}
    tickets.track(number)  # rejected at the end: it may hold an on-call's WIP slot
    ticket = api.view(number)
    assert (ticket["title"], ticket["type"]) == (summary, "alert")
    assert f"{name}: {summary}" in ticket["requirements"]
    filed = ticket["history"][0]
    assert (filed["kind"], filed["actor"]) == ("ticket.filed", "source:alertmanager"), filed
    assert filed["data"]["url"] == alertmanager.url  # its --web.external-url
    assert len(filed["data"]["firing"]) == 1
    # Complete as the tool sent it: triaged, never asked for more.
    waiting("triage", lambda: "ticket.triaged" in kinds_of(api, number))
    assert "ticket.info-requested" not in kinds_of(api, number)

    def from_alertmanager() -> list[dict]:
        return [h for h in api.view(number)["history"][1:] if h["actor"] == "source:alertmanager"]

    # It repeats itself (repeat_interval): the hook takes each repeat, the ticket hears none.
    sent = alertmanager.sent()
    waiting("two repeated notifications", lambda: alertmanager.sent() >= sent + 2)
    assert from_alertmanager() == []

    # Another alert joins the group: named on the ticket.
    second = alert(name, f"db-{uid}-2:9100", summary)
    alertmanager.post(second)
    [joined] = waiting("the join on the ticket", from_alertmanager)
    assert joined["kind"] == "ticket.commented"
    assert f"instance=db-{uid}-2:9100" in joined["data"]["message"]
    assert joined["data"]["message"].startswith("In Alertmanager: 1 alert joined; 2 firing now.")
    assert [j.split(" (")[0] for j in joined["data"]["joined"]] == [name]

    # Both resolve: the ticket is resolved where it came from (on_resolved: resolve).
    now = datetime.now(UTC)
    alertmanager.post(first | {"endsAt": rfc3339(now)}, second | {"endsAt": rfc3339(now)})
    resolved = waiting(
        "the resolution",
        lambda: [h for h in from_alertmanager() if h["kind"] != "ticket.commented"],
    )
    assert resolved[0]["kind"] == "ticket.resolved-at-source"
    assert resolved[0]["data"]["message"].startswith("2 alerts resolved:")
    assert api.view(number)["status"] == "resolved"

    # It fires again: the same ticket reopens, naming what fires.
    again = alert(name, f"db-{uid}-1:9100", summary)
    alertmanager.post(again)
    reopened = waiting(
        "the reopening",
        lambda: [h for h in from_alertmanager() if h["kind"] == "ticket.reopened"],
    )
    assert reopened[0]["data"]["reason"].startswith(f"fired again in Alertmanager: {name} (")
    assert f"instance=db-{uid}-1:9100" in reopened[0]["data"]["reason"]
    assert api.view(number)["status"] in ("triaged", "assigned")

    kinds = kinds_of(api, number)
    assert kinds.count("ticket.filed") == 1
    assert "ticket.closed" not in kinds and "ticket.info-requested" not in kinds
    assert titled(api, stack_info, summary) == [number]  # one ticket all along


def kinds_of(api, number: int) -> list[str]:
    return [h["kind"] for h in api.view(number)["history"]]
