"""The flow config model: ticket types and what each requires, the team and its roles.

Rules live here as data so a team changes its process by editing YAML, not code. The YAML is
read by services/adapters/flow_file.py; this module only validates its content.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from .calendar import Calendar, parse_duration
from .directory import LdapConfig
from .integrations import HOOK_SOURCES, EmailIntake, HookSource, Subscription
from .rt_import import RtImportConfig

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


class SlaPolicy(_Strict):
    """Targets as durations ("4h", "2d"): in business hours of the team calendar, where a
    day is a working day, or wall-clock."""

    first_response: str | None = None
    resolution: str | None = None
    business_hours: bool = True
    # Warn the owner when this share of a target has passed.
    warn_at: float = Field(0.8, gt=0, lt=1)

    @model_validator(mode="after")
    def _durations(self) -> SlaPolicy:
        for text in (self.first_response, self.resolution):
            if text is not None:
                parse_duration(text)  # raises with a clear message
        return self

    def targets(self, calendar: Calendar) -> dict[str, float]:
        cal = calendar if self.business_hours else None
        return {
            name: parse_duration(text, cal)
            for name, text in (
                ("first_response", self.first_response),
                ("resolution", self.resolution),
            )
            if text
        }


class NeedsInfoPolicy(_Strict):
    """RT's "auto-resolve aged tickets", done right: remind, then close with a clear mail."""

    remind_after_days: int | None = Field(3, ge=1)  # working days without an answer
    close_after_days: int | None = Field(10, ge=1)


class TicketType(_Strict):
    name: str = _Name
    label: str = Field(min_length=1, max_length=80)
    description: str = ""
    required: tuple[str, ...] = ()
    # Security- and access-sensitive types: every ticket of the type is private.
    always_private: bool = False
    # Skills every ticket of this type needs, on top of those its text matches.
    skills: tuple[str, ...] = ()
    sla: SlaPolicy | None = None
    needs_info: NeedsInfoPolicy = NeedsInfoPolicy()
    # Filed by tools (alerts, issues, error reports): complete as the tool sends them, so
    # never asked for more (a tool cannot answer), and not offered to people filing.
    from_tools: bool = False
    # From tools: the labels whose values name the skills a ticket needs (service=mysql, or
    # a word of a skill: service=mariadb). GitHub's and GitLab's plain labels are `label`.
    skill_labels: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _known_fields(self) -> TicketType:
        unknown = [f for f in self.required if f not in OPTIONAL_FIELDS]
        if unknown:
            raise ValueError(
                f"unknown required field(s) {', '.join(unknown)}; "
                f"choose from {', '.join(OPTIONAL_FIELDS)}"
            )
        if self.from_tools and self.required:
            raise ValueError(
                "a type filed by tools (from_tools) requires nothing: its tickets are complete"
                " as the tool sends them, and a tool cannot be asked for more; remove `required`"
            )
        if self.skill_labels and not self.from_tools:
            raise ValueError("skill_labels is for types filed by tools (from_tools: true)")
        return self

    @property
    def required_fields(self) -> tuple[str, ...]:
        """What a ticket of the type must hold to be complete; nothing more for a tool's."""
        return () if self.from_tools else (*ALWAYS_REQUIRED, *self.required)


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


class ComplexityRules(_Strict):
    """Points for what makes a ticket bigger; the size is read off the total."""

    per_dependency: int = 1
    security_needs: int = 2
    capacity_needs: int = 2
    # Each acceptance criterion beyond this many adds a point.
    criteria_included: int = 3
    # A drop-dead date this close (days) adds `drop_dead_points`.
    drop_dead_within_days: int = 14
    drop_dead_points: int = 2
    # Requirements that list this many items or more (lines, bullets) are composite.
    composite_items: int = 3
    composite_points: int = 2
    medium_from: int = 3
    large_from: int = 6


class TriageRules(_Strict):
    # Text that says nothing: a required field holding only this counts as missing.
    placeholders: tuple[str, ...] = ("tbd", "tba", "n/a", "na", "none", "-", "?", "todo", "...")
    # Shortest meaningful text per field (characters, after trimming).
    min_chars: dict[str, int] = Field(default_factory=lambda: {"requirements": 15})
    complexity: ComplexityRules = ComplexityRules()


class DropDeadPolicy(_Strict):
    owner_lead_days: int = Field(3, ge=0)  # remind the owner this many working days before
    triager_lead_days: int = Field(5, ge=0)  # tell the triagers of unowned tickets this early


class FlowConfig(_Strict):
    team: Team
    calendar: Calendar = Calendar()
    drop_dead: DropDeadPolicy = DropDeadPolicy()
    ticket_types: tuple[TicketType, ...] = Field(min_length=1)
    # Skill -> words in a ticket's title or requirements that call for it.
    skills: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    triage: TriageRules = TriageRules()
    # Tools that may post to /hooks/<name> (github, alertmanager, gitlab, sentry, grafana,
    # generic); a name not listed here answers 404.
    hooks: dict[str, HookSource] = Field(default_factory=dict)
    # The mail gateway (mail in): new mail files tickets only with it; replies to a ticket
    # are applied either way.
    email: EmailIntake | None = None
    # Webhooks out: who hears of which events.
    subscriptions: tuple[Subscription, ...] = ()
    # Sign-in with directory (LDAP) accounts: requesters, and staff by group (directory.py).
    ldap: LdapConfig | None = None
    # `rtflow import-rt`: RT statuses and custom fields mapped here (domain/rt_import.py).
    rt_import: RtImportConfig = RtImportConfig()

    @model_validator(mode="after")
    def _consistent(self) -> FlowConfig:
        names = [t.name for t in self.ticket_types]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate ticket type(s): {', '.join(duplicates)}")
        unknown_hooks = sorted(set(self.hooks) - set(HOOK_SOURCES))
        if unknown_hooks:
            raise ValueError(
                f"unknown hook source(s) {', '.join(unknown_hooks)}; "
                f"choose from {', '.join(HOOK_SOURCES)}"
            )
        filers = [(f"hooks.{n}", h.ticket_type) for n, h in self.hooks.items()]
        if self.email is not None:
            filers.append(("email", self.email.ticket_type))
        for where, type_name in filers:
            if type_name not in names:
                raise ValueError(f"{where}: unknown ticket type {type_name!r}")
        self._tools_file_tool_types()
        subscription_names = [s.name for s in self.subscriptions]
        repeated = sorted({n for n in subscription_names if subscription_names.count(n) > 1})
        if repeated:
            raise ValueError(f"duplicate subscription name(s): {', '.join(repeated)}")
        self._subscriptions_want_written_kinds()
        used = {s for t in self.ticket_types for s in t.skills} | {
            s for m in self.team.members for s in m.skills
        }
        unknown = sorted(used - set(self.skills))
        if unknown:
            raise ValueError(
                f"skill(s) {', '.join(unknown)} are used but not declared under `skills`"
            )
        return self

    def _subscriptions_want_written_kinds(self) -> None:
        """A subscription to a kind nothing writes would never be sent anything: refused, by
        name (a typo, or the acknowledgement, which the filing's own event now is)."""
        from .events import kinds  # here: the events package reads this module's integrations

        written = {v for k, v in vars(kinds).items() if k.isupper() and isinstance(v, str)}
        written -= kinds.HISTORICAL
        for s in self.subscriptions:
            if kinds.TICKET_ACKNOWLEDGED in s.events:
                raise ValueError(
                    f"subscriptions.{s.name}: {kinds.TICKET_ACKNOWLEDGED} is no longer sent; the"
                    f" filing is its own acknowledgement: subscribe to {kinds.TICKET_FILED}"
                )
            unknown = sorted(set(s.events) - written - {"*"})
            if unknown:
                raise ValueError(
                    f"subscriptions.{s.name}: unknown event kind(s) {', '.join(unknown)};"
                    " docs/webhooks.md lists them"
                )

    def _tools_file_tool_types(self) -> None:
        """A tool's tickets wait on no one: a hook whose tickets have the tool for requester
        files a type `from_tools`; mail comes from people, who file people's types."""
        for name, hook in self.hooks.items():
            ticket_type = self.ticket_type(hook.ticket_type)
            if hook.requester is None and ticket_type and not ticket_type.from_tools:
                raise ValueError(
                    f"hooks.{name}: ticket type {hook.ticket_type!r} asks its requester for"
                    f" what is missing, and the requester of these tickets is {name} itself;"
                    " give the hook a type with `from_tools: true` (or a `requester` who answers)"
                )
        email_type = self.ticket_type(self.email.ticket_type) if self.email else None
        if email_type is not None and email_type.from_tools:
            raise ValueError(
                f"email: ticket type {email_type.name!r} is filed by tools; mail comes from"
                " people: give it a type without `from_tools`"
            )
        if not self.people_types:
            raise ValueError("ticket_types: people need a type that is not from_tools")

    @property
    def people_types(self) -> tuple[TicketType, ...]:
        """The types people may file (the form, the API); the others are tools'."""
        return tuple(t for t in self.ticket_types if not t.from_tools)

    def ticket_type(self, name: str) -> TicketType | None:
        return next((t for t in self.ticket_types if t.name == name), None)

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.team.members if m.id == member_id), None)

    def members_with_role(self, role: str) -> list[Member]:
        return [m for m in self.team.members if role in m.roles]
