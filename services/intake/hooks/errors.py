"""What a hook delivery can be refused for. services/intake/errors.py maps each to its status,
so a tool always gets a JSON answer that says what to fix."""

from __future__ import annotations

from services.domain.errors import DomainError


class UnknownSource(DomainError):
    """404: not a hook source, or one the flow config does not declare."""

    def __init__(self, source: str):
        super().__init__(f"no hook source {source!r} is configured")
        self.source = source


class BadPayload(DomainError):
    """400: not JSON, not the tool's shape, or a ticket draft the intake rules refuse.
    `errors` names each bad draft field, as the API's 422 does."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class HookUnavailable(DomainError):
    """503: our side cannot take the delivery now (no secret configured, the inbox is down).
    Tools that retry (Alertmanager, Grafana) try again later."""
