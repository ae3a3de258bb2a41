"""Alert notifications in Alertmanager's webhook shape (version 4), which Grafana's alerting
sends too: one notification per alert group, "firing" or "resolved".

Neither signs its body: they send the secret as HTTP credentials. Neither sends a delivery id:
a retry (Alertmanager retries on 5xx) carries the same body, so the body's digest within a
minute is the id; the same body later is a repeat (repeat_interval), a delivery of its own,
so a finished ticket hears that its alert still fires. One group (its groupKey) of one
instance (its externalURL; Grafana's organisation too) is one thread: one ticket while it
fires. Each alert is told apart by its fingerprint, so the ticket names those that join the
group or stop firing."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from services.domain.inbound import ALERTS_MAX, Alert, Inbound, InboundAction
from services.domain.integrations import SOURCE_LABELS

from .auth import check_credentials
from .payload import (
    BadPayload,
    HookRequest,
    get,
    inbound,
    instance_of,
    labels_of,
    one_line,
    thread_key,
    ticket_draft,
)

# A title names at most this many labels and alert names: the rest is in the requirements.
_TITLE_LABELS = 4
_TITLE_NAMES = 3
# Alertmanager's zero time: an alert that has not ended.
_NEVER = "0001-01-01T00:00:00Z"
# The same body within this many seconds is a retry; later, a repeat.
REPEAT_WINDOW_SECONDS = 60
# An alert is named by its alert name and at most this many of its other labels.
_NAME_LABELS = 4


def authenticate(req: HookRequest, secret: str) -> None:
    check_credentials(secret, req.headers.get("Authorization"))


def _labels(labels: dict[str, Any], skip: tuple[str, ...] = ()) -> str:
    return ", ".join(f"{k}={v}" for k, v in labels.items() if k not in skip)


def _alerts(data: dict[str, Any]) -> list[dict[str, Any]]:
    alerts = get(data, "alerts", list)
    if not all(isinstance(a, dict) for a in alerts):
        raise BadPayload("alerts must be a list of objects")
    return alerts


def _label_map(alert: dict[str, Any], key: str) -> dict[str, Any]:
    value = alert.get(key)
    return value if isinstance(value, dict) else {}


def _names(alerts: list[dict[str, Any]], common: dict[str, Any]) -> list[str]:
    if common.get("alertname"):
        return [str(common["alertname"])]
    names: list[str] = []
    for alert in alerts:
        name = _label_map(alert, "labels").get("alertname")
        if name and str(name) not in names:
            names.append(str(name))
    return names


def _title(data: dict[str, Any], alerts: list[dict[str, Any]]) -> str:
    """The group's common summary, else its alert names and the labels they share, else the
    tool's own title (Grafana's "[FIRING:2] ...")."""
    summary = get(data, "commonAnnotations.summary", str, required=False, default="")
    if summary.strip():
        return summary
    common = get(data, "commonLabels", dict, required=False, default={})
    names = _names(alerts, common)
    shared = list(common.items())
    labels = _labels(dict(shared[:_TITLE_LABELS]), skip=("alertname",))
    if names:
        title = ", ".join(names[:_TITLE_NAMES]) + (" …" if len(names) > _TITLE_NAMES else "")
        return f"{title} ({labels})" if labels else title
    fallback = get(data, "title", str, required=False, default="")
    return fallback.strip() or f"{len(alerts)} alert(s) firing"


def _describe(alert: dict[str, Any]) -> str:
    labels, notes = _label_map(alert, "labels"), _label_map(alert, "annotations")
    head = f"- {labels.get('alertname') or 'alert'}"
    lines = [f"{head}: {notes['summary']}" if notes.get("summary") else head]
    if notes.get("description"):
        lines.append(f"  {notes['description']}")
    if labels:
        lines.append(f"  labels: {_labels(labels)}")
    for name, value in notes.items():  # runbook_url and the like
        if name not in ("summary", "description") and value:
            lines.append(f"  {name}: {value}")
    if alert.get("startsAt"):
        lines.append(f"  since: {alert['startsAt']}")
    if alert.get("status") == "resolved" and alert.get("endsAt") not in (None, "", _NEVER):
        lines.append(f"  ended: {alert['endsAt']}")
    if alert.get("generatorURL"):
        lines.append(f"  source: {alert['generatorURL']}")
    return "\n".join(lines)


def _listing(data: dict[str, Any], alerts: list[dict[str, Any]], status: str) -> str:
    """A readable list of the group's alerts: what the on-call reads first."""
    lines = [f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''} {status}:", ""]
    lines += [_describe(a) for a in alerts]
    truncated = data.get("truncatedAlerts")
    if isinstance(truncated, int) and truncated > 0:
        lines.append(f"(and {truncated} more the notification left out)")
    return "\n".join(lines)


def _delivery(req: HookRequest) -> str:
    if req.received_at is None:
        return req.body_digest
    return f"{req.body_digest}:{int(req.received_at.timestamp()) // REPEAT_WINDOW_SECONDS}"


def _instance(data: dict[str, Any]) -> str:
    """Which Alertmanager (its external URL), or which Grafana organisation, sent it."""
    identity = instance_of(get(data, "externalURL", str, required=False, default=""))
    org = data.get("orgId")
    if identity and isinstance(org, int | str) and not isinstance(org, bool) and str(org):
        identity += f"?orgId={org}"
    return identity


def _fingerprint(alert: dict[str, Any]) -> str:
    given = alert.get("fingerprint")
    if isinstance(given, str) and given.strip():
        return given.strip()[:100]
    labels = json.dumps(_label_map(alert, "labels"), sort_keys=True, default=str)
    return hashlib.sha256(labels.encode()).hexdigest()[:16]


def _alert_name(alert: dict[str, Any], group_labels: dict[str, Any]) -> str:
    """The alert name and the labels that tell it from the group's others."""
    labels = _label_map(alert, "labels")
    rest = {k: v for k, v in labels.items() if k != "alertname" and k not in group_labels}
    shown = _labels(dict(list(rest.items())[:_NAME_LABELS]))
    name = str(labels.get("alertname") or "alert")
    return one_line(f"{name} ({shown})" if shown else name, 300)


def _states(data: dict[str, Any], alerts: list[dict[str, Any]], status: str) -> tuple[Alert, ...]:
    group = get(data, "groupLabels", dict, required=False, default={})
    return tuple(
        Alert(
            id=_fingerprint(a),
            name=_alert_name(a, group),
            firing=(a.get("status") or status) != "resolved",
        )
        for a in alerts[:ALERTS_MAX]
    )


def parse_alerts(req: HookRequest) -> Inbound:
    data = req.data
    status = get(data, "status", str)
    if status not in ("firing", "resolved"):
        raise BadPayload(f"status must be 'firing' or 'resolved', not {status!r}")
    alerts = _alerts(data)
    group = get(data, "groupKey", str)
    common: dict[str, Any] = {
        "delivery": _delivery(req),
        "thread": thread_key(req.source, group, _instance(data)),
        "old_thread": thread_key(req.source, group),
        "author": SOURCE_LABELS[req.source],
        "url": get(data, "externalURL", str, required=False, default=""),
        "alerts": _states(data, alerts, status),
        "labels": labels_of(
            (name, value) for a in alerts for name, value in _label_map(a, "labels").items()
        ),
    }
    if status == "resolved":
        return inbound(
            req,
            action=InboundAction.RESOLVED,
            message=_listing(data, alerts, "resolved"),
            **common,
        )
    return inbound(
        req,
        action=InboundAction.OPEN,
        draft=ticket_draft(
            req, title=_title(data, alerts), requirements=_listing(data, alerts, "firing")
        ),
        **common,
    )
