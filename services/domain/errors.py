"""Domain errors. One place (services/intake/errors.py) maps them to HTTP status codes."""

from __future__ import annotations


class DomainError(Exception):
    """Something the caller asked for cannot be done; the message is safe to show."""


class ValidationFailed(DomainError):
    """Input broke the intake rules; `errors` maps each bad field to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in errors.items()))
        self.errors = errors


class NothingChanged(DomainError):
    """A correction that leaves every field as it was: refused (422), so no empty event is
    kept."""

    def __init__(self) -> None:
        super().__init__("nothing changed")


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
    """The change clashes with the ticket's current state (409)."""


class StaleVersion(Conflict):
    """Someone else changed the ticket first (optimistic lock); reload and try again."""


class ConfigError(DomainError):
    """The flow config is invalid; the message names the file and every bad entry."""


class Unauthorized(DomainError):
    """No credentials, or credentials nobody issued."""


class Forbidden(DomainError):
    """Known, but this person's role may not do this."""


class WipLimitReached(Conflict):
    def __init__(self, member: str, limit: int):
        super().__init__(
            f"{member} already has {limit} open tickets, their WIP limit; finish one first"
            " (a triager may assign over the limit with an override reason)"
        )
        self.member = member
        self.limit = limit


class NotDone(Conflict):
    """A ticket cannot be resolved while tickets it waits for are open."""


class StorageUnavailable(DomainError):
    """The store could not take or give the data just now (busy past its wait, or its disk
    full): nothing of the change was stored, and the same request may be sent again later."""

    def __init__(self, message: str, retry_after_seconds: int):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
