"""The flow config model: ticket types and what each requires, the team and its roles.

Rules live here as data so a team changes its process by editing YAML, not code. The YAML is
read by services/adapters/flow_file.py; this module only validates its content.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

# The intake fields a ticket type may require, on top of the ones every ticket has.
OPTIONAL_FIELDS = (
    "end_state",
    "acceptance_criteria",
    "drop_dead_date",
    "nice_to_have_date",
    "capacity_needs",
    "security_needs",
    "dependencies",
)
ALWAYS_REQUIRED = ("type", "title", "requirements", "requester.name", "requester.email")
ROLES = ("engineer", "triager", "bugmeister", "admin")

_Name = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TicketType(_Strict):
    name: str = _Name
    label: str = Field(min_length=1, max_length=80)
    description: str = ""
    required: tuple[str, ...] = ()
    # Security- and access-sensitive types: every ticket of the type is private.
    always_private: bool = False

    @model_validator(mode="after")
    def _known_fields(self) -> TicketType:
        unknown = [f for f in self.required if f not in OPTIONAL_FIELDS]
        if unknown:
            raise ValueError(
                f"unknown required field(s) {', '.join(unknown)}; "
                f"choose from {', '.join(OPTIONAL_FIELDS)}"
            )
        return self

    @property
    def required_fields(self) -> tuple[str, ...]:
        return (*ALWAYS_REQUIRED, *self.required)


class Member(_Strict):
    id: str = _Name
    name: str = Field(min_length=1)
    email: EmailStr
    roles: tuple[str, ...] = ("engineer",)
    skills: tuple[str, ...] = ()
    wip_limit: int = Field(3, ge=0, le=100)

    @model_validator(mode="after")
    def _known_roles(self) -> Member:
        unknown = [r for r in self.roles if r not in ROLES]
        if unknown:
            raise ValueError(
                f"unknown role(s) {', '.join(unknown)}; choose from {', '.join(ROLES)}"
            )
        return self


class Team(_Strict):
    name: str = Field(min_length=1)
    mail_list: EmailStr
    members: tuple[Member, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_members(self) -> Team:
        ids = [m.id for m in self.members]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate member id(s): {', '.join(duplicates)}")
        return self


class FlowConfig(_Strict):
    team: Team
    ticket_types: tuple[TicketType, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_types(self) -> FlowConfig:
        names = [t.name for t in self.ticket_types]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate ticket type(s): {', '.join(duplicates)}")
        return self

    def ticket_type(self, name: str) -> TicketType | None:
        return next((t for t in self.ticket_types if t.name == name), None)
