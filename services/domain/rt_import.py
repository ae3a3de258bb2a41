"""What `rtflow import-rt` does with a Request Tracker queue, as the flow config's `rt_import:`
may say otherwise: which RT status becomes which status here, which RT custom field fills
which field of a ticket, the type and privacy of what is imported."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .lifecycle import Status

SKIP = "skip"

# RT's default lifecycle. `open` becomes in-progress for an owner who is on the team, and
# triaged (waiting for an owner) otherwise.
DEFAULT_STATUSES: dict[str, str] = {
    "new": Status.NEW.value,
    "open": Status.IN_PROGRESS.value,
    "stalled": Status.POSTPONED.value,
    "resolved": Status.RESOLVED.value,
    "rejected": Status.REJECTED.value,
    "deleted": SKIP,
}

# RT custom field names (compared without case) and the ticket fields they fill.
DEFAULT_FIELDS: dict[str, str] = {
    "requirements": "requirements",
    "end state": "end_state",
    "acceptance criteria": "acceptance_criteria",
    "drop-dead date": "drop_dead_date",
    "nice-to-have date": "nice_to_have_date",
    "capacity needs": "capacity_needs",
    "security needs": "security_needs",
    "dependencies": "dependencies",
}
FIELDS = frozenset(DEFAULT_FIELDS.values())
STATUSES = frozenset(s.value for s in Status) | {SKIP}


class RtImportConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # The ticket type imported tickets get (unset: the flow config's first type).
    type: str | None = None
    # RT queues are the team's: imported tickets stay off the public queue unless said here.
    private: bool = True
    statuses: dict[str, str] = Field(default_factory=dict)
    fields: dict[str, str] = Field(default_factory=dict)

    @field_validator("statuses")
    @classmethod
    def _known_statuses(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value.values()) - STATUSES)
        if unknown:
            raise ValueError(f"not a status here: {', '.join(unknown)} (or {SKIP!r})")
        return {k.lower(): v for k, v in value.items()}

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value.values()) - FIELDS)
        if unknown:
            raise ValueError(f"not a ticket field: {', '.join(unknown)}")
        return {k.lower(): v for k, v in value.items()}

    def status(self, rt_status: str) -> str:
        """The status here for an RT status; an RT status nobody mapped is kept open."""
        name = rt_status.lower()
        return self.statuses.get(name) or DEFAULT_STATUSES.get(name) or Status.TRIAGED.value

    def field(self, custom_field: str) -> str | None:
        name = custom_field.lower()
        return self.fields.get(name) or DEFAULT_FIELDS.get(name)
