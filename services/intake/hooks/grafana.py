"""Grafana alerting: a webhook contact point, with the secret as its Authorization header
("Bearer" credentials) or its basic-auth password. Its body is Alertmanager's shape plus a
title and a message (see alerting.py, which uses the title only when nothing better names
the alerts)."""

from __future__ import annotations

from .alerting import authenticate
from .alerting import parse_alerts as parse

__all__ = ["authenticate", "parse"]
