"""Domain errors. One place (services/intake/errors.py) maps them to HTTP status codes."""

from __future__ import annotations


class DomainError(Exception):
    """Something the caller asked for cannot be done; the message is safe to show."""


class ValidationFailed(DomainError):
    """Input broke the intake rules; `errors` maps each bad field to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in errors.items()))
        self.errors = errors


class IllegalTransition(DomainError):
    def __init__(self, action: str, status: str):
        super().__init__(f"cannot {action} a ticket that is {status}")
        self.action = action
        self.status = status


class AlreadyDone(DomainError):
    """The change was made before (a redelivered message); handlers treat it as success."""


class TicketNotFound(DomainError):
    def __init__(self, number: int):
        super().__init__(f"ticket {number} not found")
        self.number = number


class Conflict(DomainError):
    """Someone else changed the ticket first (optimistic lock); reload and try again."""


class ConfigError(DomainError):
    """The flow config is invalid; the message names the file and every bad entry."""
