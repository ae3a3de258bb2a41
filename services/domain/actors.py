"""Who does something: a staff member (with roles from the flow config), a requester, or a
part of the system. Every event records its actor."""

from __future__ import annotations

from dataclasses import dataclass

from .flow import Member


@dataclass(frozen=True)
class Actor:
    kind: str  # "staff" | "requester" | "system" | "source" | "watcher"
    id: str  # member id, requester or watcher email, system component, or the tool
    name: str = ""
    roles: frozenset[str] = frozenset()
    wip_limit: int = 0

    @classmethod
    def staff(cls, member: Member) -> Actor:
        return cls("staff", member.id, member.name, frozenset(member.roles), member.wip_limit)

    @classmethod
    def requester(cls, email: str, name: str = "") -> Actor:
        return cls("requester", email.lower(), name)

    @classmethod
    def watcher(cls, email: str) -> Actor:
        """Someone copied on a ticket, acting by the signed link in their mail."""
        return cls("watcher", email.lower(), email.lower())

    @classmethod
    def system(cls, component: str) -> Actor:
        return cls("system", component, component)

    @classmethod
    def source(cls, name: str, who: str = "") -> Actor:
        """Another tool (GitHub, Alertmanager, ...), and who in it, when it says."""
        return cls("source", name, who or name)

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    def has_role(self, *roles: str) -> bool:
        # Admins may do whatever any staff role may: the break-glass role.
        return self.is_staff and bool(self.roles & {*roles, "admin"})
