"""Prometheus Alertmanager: a webhook receiver (`webhook_configs`) whose `http_config` sends
the secret as `authorization` (Bearer) or `basic_auth` (the password). See alerting.py."""

from __future__ import annotations

from .alerting import authenticate
from .alerting import parse_alerts as parse

__all__ = ["authenticate", "parse"]
