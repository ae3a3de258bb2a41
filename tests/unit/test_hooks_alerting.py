"""Alertmanager's and Grafana's notifications: one thread per alert group, firing files,
resolved resolves, and a retry (the same body) is the same delivery."""

from __future__ import annotations

import hashlib

import pytest

from services.domain.errors import Unauthorized
from services.domain.inbound import InboundAction
from services.intake.hooks import alertmanager, grafana
from services.intake.hooks.errors import BadPayload
from tests.fixtures.webhooks import basic, bearer, body_of, hook_request, load, raw, with_hooks

SECRET = "alert-secret"
PARSERS = {"alertmanager": alertmanager, "grafana": grafana}


@pytest.fixture
def hook_flow(flow):
    return with_hooks(flow)


def deliver(hook_flow, body: bytes, source: str = "alertmanager", headers=None):
    parser = PARSERS[source]
    req = hook_request(source, hook_flow, body, bearer(SECRET) if headers is None else headers)
    parser.authenticate(req, SECRET)
    return parser.parse(req)


def firing() -> dict:
    return load("alertmanager.firing.json")


def test_a_firing_group_from_alertmanager_files_a_ticket(hook_flow):
    body = raw("alertmanager.firing.json")
    m = deliver(hook_flow, body)
    assert m.action is InboundAction.OPEN
    # The group's thread names its Alertmanager (externalURL); old_thread is the key
    # threads had before, by which an older ticket is still found.
    assert m.thread == 'alertmanager[http://vm:19093]:{}:{alertname="DiskFull"}'
    assert m.old_thread == 'alertmanager:{}:{alertname="DiskFull"}'
    assert m.delivery == hashlib.sha256(body).hexdigest()
    assert (m.author, m.url) == ("Alertmanager", "http://vm:19093")
    draft = m.draft
    assert draft["type"] == "alert"
    assert draft["title"] == "Disk almost full on db1"
    assert draft["requester"] == {"name": "Alertmanager (via hook)", "email": "techops@example.org"}
    for line in (
        "1 alert firing",
        "- DiskFull: Disk almost full on db1",
        "/var is 97% full",
        "labels: alertname=DiskFull, instance=db1:9100, job=node, severity=critical",
        "since: 2026-11-27T15:09:44.503409244Z",
        "source: http://prometheus.local/graph",
    ):
        assert line in draft["requirements"]


def test_a_retry_is_the_same_delivery_and_another_notification_is_not(hook_flow):
    first = deliver(hook_flow, raw("alertmanager.firing.json"))
    retry = deliver(hook_flow, raw("alertmanager.firing.json"))
    later = deliver(hook_flow, body_of(firing() | {"truncatedAlerts": 2}))
    assert first.key == retry.key != later.key
    assert first.thread == later.thread
    assert "(and 2 more the notification left out)" in later.draft["requirements"]


def test_a_resolved_group_resolves_its_thread_saying_what_resolved(hook_flow):
    data = firing() | {"status": "resolved"}
    data["alerts"][0] |= {"status": "resolved", "endsAt": "2026-11-27T16:00:00Z"}
    m = deliver(hook_flow, body_of(data))
    assert (m.action, m.thread, m.draft) == (
        InboundAction.RESOLVED,
        'alertmanager[http://vm:19093]:{}:{alertname="DiskFull"}',
        None,
    )
    assert "1 alert resolved" in m.message
    assert "DiskFull: Disk almost full on db1" in m.message
    assert "ended: 2026-11-27T16:00:00Z" in m.message


def test_without_a_common_summary_the_title_names_the_alert_and_its_labels(hook_flow):
    data = firing() | {"commonAnnotations": {}}
    m = deliver(hook_flow, body_of(data))
    assert m.draft["title"] == "DiskFull (instance=db1:9100, job=node, severity=critical)"


def test_grafanas_notification_files_a_ticket_naming_every_alert(hook_flow):
    body = raw("grafana_webhook.json")
    m = deliver(hook_flow, body, "grafana")
    assert (m.source, m.action, m.thread) == (
        "grafana",
        InboundAction.OPEN,
        "grafana[https://play.grafana.org?orgId=1]:{}:{}",  # the instance and organisation
    )
    assert m.delivery == hashlib.sha256(body).hexdigest()
    assert (m.author, m.url) == ("Grafana", "https://play.grafana.org/")
    assert m.draft["title"] == "High memory usage, High CPU usage (team=blue)"
    assert m.draft["requester"] == {"name": "Grafana alerts", "email": "alerts@example.org"}
    requirements = m.draft["requirements"]
    assert requirements.startswith("2 alerts firing")
    assert "The system has high CPU usage" in requirements
    assert "runbook_url: https://myrunbook.com/runbook/1234" in requirements
    assert "source: https://play.grafana.org/alerting/d1rdpdv7k/edit" in requirements


def test_grafanas_own_title_is_the_last_resort(hook_flow):
    data = load("grafana_webhook.json")
    for alert in data["alerts"]:
        alert["labels"].pop("alertname")
    m = deliver(hook_flow, body_of(data), "grafana")
    assert m.draft["title"] == "[FIRING:2] (blue)"  # one line, spaces collapsed


def test_an_alert_group_key_too_long_to_store_is_hashed_into_the_thread(hook_flow):
    key = "{}:{" + ", ".join(f'label{i}="{"v" * 20}"' for i in range(40)) + "}"
    a = deliver(hook_flow, body_of(firing() | {"groupKey": key}))
    b = deliver(hook_flow, body_of(firing() | {"groupKey": key, "truncatedAlerts": 1}))
    assert len(a.thread) <= 500 and a.thread.startswith("alertmanager:sha256:")
    assert a.thread == b.thread


@pytest.mark.parametrize("source", ["alertmanager", "grafana"])
@pytest.mark.parametrize(
    "headers", [bearer(SECRET), basic(SECRET), basic(SECRET, user="anyone at all")]
)
def test_bearer_credentials_or_a_basic_auth_password_authenticate(hook_flow, source, headers):
    body = raw("alertmanager.firing.json")
    PARSERS[source].authenticate(hook_request(source, hook_flow, body, headers), SECRET)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("wrong"),
        basic("wrong"),
        {"Authorization": SECRET},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic !!!"},
        {"Authorization": f'Digest username="{SECRET}"'},
    ],
)
def test_missing_or_wrong_credentials_are_refused(hook_flow, headers):
    req = hook_request("alertmanager", hook_flow, raw("alertmanager.firing.json"), headers)
    with pytest.raises(Unauthorized):
        alertmanager.authenticate(req, SECRET)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"status": "pending"}, "status must be 'firing' or 'resolved'"),
        ({"groupKey": None}, "missing groupKey"),
        ({"alerts": {"a": 1}}, "alerts must be a list"),
        ({"alerts": ["DiskFull"]}, "alerts must be a list of objects"),
    ],
)
def test_a_body_not_of_alertmanagers_shape_names_what_is_wrong(hook_flow, change, named):
    with pytest.raises(BadPayload, match=named):
        deliver(hook_flow, body_of(firing() | change))


def test_odd_labels_and_annotations_do_not_break_the_listing(hook_flow):
    data = firing()
    data["alerts"].append({"labels": ["not", "a", "map"], "annotations": None, "status": 3})
    m = deliver(hook_flow, body_of(data))
    assert "2 alerts firing" in m.draft["requirements"]
    assert "\n- alert" in m.draft["requirements"]
