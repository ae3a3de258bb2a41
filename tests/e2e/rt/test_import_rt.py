"""`rtflow import-rt` against a real RT 5: tickets with correspondence, comments, owners, a
link, custom fields and a resolved and a deleted one, imported into the SQLite home; then
imported again (nothing doubled), and again after RT changed (only what is new). The home,
started on what was imported, sends no mail for it and numbers new tickets above RT's."""

from __future__ import annotations

import base64
import json
import subprocess
import time

import pytest
import requests

from tests.e2e.stack_process import clean_env, free_port, rtflow_command, start_stack
from tests.e2e.support import ticket_body

from .conftest import ROOT_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.rt]
DF = b"/dev/sdb1  2.0T  2.0T  0 100% /srv/db\n"
DF_BASE64 = base64.b64encode(DF).decode()


def _rtflow(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*rtflow_command(), *args], env=env, capture_output=True, text=True, timeout=300
    )


def _import(rt, env) -> subprocess.CompletedProcess:
    args = ("import-rt", rt.url, "--user", "root", "--password", ROOT_PASSWORD, "--queue", rt.queue)
    return _rtflow(env, *args)


def _exported(env, tmp_path) -> dict[int, dict]:
    out = tmp_path / "export.jsonl"
    done = _rtflow(env, "export", "--out", str(out))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    return {d["ticket"]["number"]: d for d in lines}


def _kinds(exported: dict) -> list[tuple[str, bool]]:
    return [(e["kind"], e["public"]) for e in exported["events"]]


def _queue(rt) -> dict[str, int]:
    done = rt.ticket(Subject="Rotate backup keys", Requestor=["dee@example.org"], Content="Yearly.")
    rt.call("PUT", f"ticket/{done}", Status="resolved")
    worked = rt.ticket(
        Subject="Disk full on db1001",
        Requestor=["ana@example.org", "bo@example.org"],
        Cc=["cy@example.org"],
        Owner="priya",
        DependsOn=done,
        Content="The disk on db1001 is full.\nPlease add 200 GB.",
        CustomFields={
            "Drop-dead date": "2027-03-31",
            "Acceptance criteria": ["df shows 200 GB free", "alerts are quiet"],
        },
    )
    rt.call(
        "POST",
        f"ticket/{worked}/correspond",
        Content="Ordering a new LUN today.",
        ContentType="text/plain",
    )
    rt.call(
        "POST",
        f"ticket/{worked}/comment",
        Content="Storage team says Thursday.",
        ContentType="text/plain",
        Attachments=[{"FileName": "df.txt", "FileType": "text/plain", "FileContent": DF_BASE64}],
    )
    rt.call("PUT", f"ticket/{worked}", Status="open")
    outsider = rt.ticket(
        Subject="VPN for the auditors",
        Requestor=["eve@example.org"],
        Owner="zed",
        Content="Two weeks.",
    )
    rt.call("PUT", f"ticket/{outsider}", Status="open")
    gone = rt.ticket(Subject="spam", Requestor=["spam@example.org"], Content="buy")
    rt.call("PUT", f"ticket/{gone}", Status="deleted")
    return {"worked": worked, "done": done, "outsider": outsider, "gone": gone}


def test_a_real_rt_queue_comes_over_once_and_keeps_coming(rt, tmp_path):
    env = clean_env(RTFLOW_BACKEND="sqlite", RTFLOW_DATA_DIR=str(tmp_path / "home"))
    numbers = _queue(rt)

    first = _import(rt, env)
    assert first.returncode == 0, first.stderr + first.stdout
    assert "imported 3 tickets and updated 0" in first.stdout
    assert "skipped" not in first.stdout  # RT lists no deleted ticket: it never comes over
    assert "owners not on the team (their tickets wait in triage): zed" in first.stdout

    tickets = _exported(env, tmp_path)
    assert set(tickets) == {numbers["worked"], numbers["done"], numbers["outsider"]}
    worked = tickets[numbers["worked"]]["ticket"]
    assert (worked["status"], worked["owner"]) == ("in-progress", "priya")
    assert worked["requester"]["email"] == "ana@example.org"
    assert worked["watchers"] == ["bo@example.org", "cy@example.org"]
    assert worked["requirements"] == "The disk on db1001 is full.\nPlease add 200 GB."
    assert worked["drop_dead_date"] == "2027-03-31"
    assert worked["acceptance_criteria"] == ["df shows 200 GB free", "alerts are quiet"]
    kinds = _kinds(tickets[numbers["worked"]])
    assert ("ticket.commented", True) in kinds  # the correspondence: the requester saw it
    assert ("ticket.commented", False) in kinds  # the comment: an internal note
    assert kinds[0] == ("ticket.filed", True)
    note = next(e for e in tickets[numbers["worked"]]["events"] if e["data"].get("attachments"))
    [kept] = note["data"]["attachments"]
    assert (note["public"], kept["name"], kept["size"]) == (False, "df.txt", len(DF))
    assert (tmp_path / "home" / "attachments").exists()
    assert "kept 1 files" in first.stdout
    done = tickets[numbers["done"]]["ticket"]
    assert done["status"] == "resolved"
    assert worked["depends_on"] == [numbers["done"]]
    outsider = tickets[numbers["outsider"]]["ticket"]
    assert (outsider["status"], outsider["owner"]) == ("triaged", None)

    again = _import(rt, env)
    assert again.returncode == 0, again.stderr
    assert "imported 0 tickets and updated 0 (0 transactions)" in again.stdout
    assert "3 unchanged" in again.stdout

    time.sleep(1.1)  # RT's LastUpdated counts whole seconds
    rt.call(
        "POST",
        f"ticket/{numbers['worked']}/correspond",
        Content="The LUN is in.",
        ContentType="text/plain",
    )
    third = _import(rt, env)
    assert "imported 0 tickets and updated 1" in third.stdout, third.stdout
    after = _exported(env, tmp_path)[numbers["worked"]]
    assert len(after["events"]) == len(tickets[numbers["worked"]]["events"]) + 1
    assert len({e["id"] for e in after["events"]}) == len(after["events"])

    token = _rtflow(env, "token", "issue", "priya").stdout.strip()
    port = free_port()
    home = start_stack(["--port", str(port)], port, env)
    try:
        base = f"http://127.0.0.1:{port}"
        filed = requests.post(f"{base}/api/v1/tickets", json=ticket_body(), timeout=10)
        imported = [numbers["worked"], numbers["done"], numbers["outsider"]]
        assert filed.json()["id"] > max(imported)  # the counter goes on above RT's
        time.sleep(3)  # the home's consumers have read the outbox by now
        mail = requests.get(f"{base}/dev/mail.json", timeout=10).json()["messages"]
        subjects = [m["subject"] for m in mail]
        assert any(f"#{filed.json()['id']}]" in s for s in subjects), subjects  # mail does go
        for number in imported:  # no acknowledgement, triage or any mail for what came over
            assert not [s for s in subjects if f"#{number}]" in s], subjects
        found = requests.get(
            f"{base}/api/v1/tickets",
            params={"q": "LUN", "status": "all"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert [t["number"] for t in found.json()["tickets"]] == [numbers["worked"]], found.text
    finally:
        home.stop()


def test_rt_faults_are_one_line_and_a_failure(rt, tmp_path):
    env = clean_env(RTFLOW_BACKEND="sqlite", RTFLOW_DATA_DIR=str(tmp_path / "home"))
    refused = _rtflow(env, "import-rt", rt.url, "--user", "root", "--password", "wrong")
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith(f"RT at {rt.url} refused the credentials of root")
    unknown = _rtflow(
        env,
        "import-rt",
        rt.url,
        "--user",
        "root",
        "--password",
        ROOT_PASSWORD,
        "--queue",
        "No such queue",
    )
    assert unknown.returncode == 1
    assert "has no queue 'No such queue'" in unknown.stderr
    away = _rtflow(env, "import-rt", f"http://127.0.0.1:{free_port()}/rt", "--token", "x")
    assert away.returncode == 1
    assert "cannot reach RT" in away.stderr
    assert "Traceback" not in refused.stderr + unknown.stderr + away.stderr
