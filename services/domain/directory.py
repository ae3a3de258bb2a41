"""Signing in with a directory account (LDAP): the flow config's `ldap:` section, who a
directory account is, and what it may do here.

Anyone with an account may sign in as a requester (or only members of `requester_groups`);
members of the groups under `staff` sign in to the console, with the roles those groups map
to. A staff account's id (the `id_attribute`, uid by default) must be a member id of the flow
config's team: tickets, WIP limits and routing know people by that id.

Data and rules only: services/adapters/ldap_auth.py talks to the directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .errors import DomainError

_Attribute = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,63}$")]
_Dn = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
_GroupName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _is_filter(text: str) -> bool:
    """A parenthesised LDAP filter whose parentheses balance."""
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and text.startswith("(") and text.endswith(")")


class LdapConfig(BaseModel):
    """Where the directory keeps people and groups, and which groups are staff.

    The connection (URL, service account, TLS) is deployment settings (RTFLOW_LDAP_*); this
    is the directory's shape, which the team describes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # People: searched under `user_base` with `user_filter`, where {username} is what the
    # person typed, escaped (RFC 4515), so no input can widen the search.
    user_base: _Dn
    user_filter: str = "(uid={username})"
    # The attribute naming the account: a staff account's value must be a flow member id.
    id_attribute: _Attribute = "uid"
    mail_attribute: _Attribute = "mail"
    name_attribute: _Attribute = "cn"
    # Groups: searched under `group_base` with `group_filter` ({dn}: the person's DN,
    # {username}: their id, both escaped); their `group_name_attribute` is the group's name.
    # The person's memberOf values count too (directories with the memberof overlay).
    # Without a group_base, only memberOf is read.
    group_base: str = ""
    group_filter: str = "(&(objectClass=groupOfNames)(member={dn}))"
    group_name_attribute: _Attribute = "cn"
    # Group name -> the console roles its members have (engineer, triager, bugmeister, admin).
    staff: dict[_GroupName, Annotated[tuple[str, ...], Field(min_length=1)]] = Field(
        default_factory=dict
    )
    # Requesters: any directory account may sign in to "my tickets", or only members of these.
    requester_groups: tuple[_GroupName, ...] = ()

    @model_validator(mode="after")
    def _valid(self) -> LdapConfig:
        from .flow import ROLES  # flow.py imports this module: read its roles once built

        if "{username}" not in self.user_filter or not _is_filter(self.user_filter):
            raise ValueError(
                "user_filter must be a parenthesised LDAP filter naming {username}, "
                'like "(uid={username})"'
            )
        if not ("{dn}" in self.group_filter or "{username}" in self.group_filter) or not (
            _is_filter(self.group_filter)
        ):
            raise ValueError(
                "group_filter must be a parenthesised LDAP filter naming {dn} or {username}"
            )
        for group, roles in self.staff.items():
            unknown = [r for r in roles if r not in ROLES]
            if unknown:
                raise ValueError(
                    f"staff.{group}: unknown role(s) {', '.join(unknown)}; "
                    f"choose from {', '.join(ROLES)}"
                )
        return self

    def staff_roles(self, identity: Identity) -> frozenset[str]:
        """The console roles the account's groups give (none: not staff). Group names
        compare without regard to case, as LDAP compares them."""
        groups = {g.casefold() for g in identity.groups}
        return frozenset(
            role
            for group, roles in self.staff.items()
            if group.casefold() in groups
            for role in roles
        )

    def may_request(self, identity: Identity) -> bool:
        if not self.requester_groups:
            return True
        groups = {g.casefold() for g in identity.groups}
        return any(g.casefold() in groups for g in self.requester_groups)


@dataclass(frozen=True)
class Identity:
    """A directory account whose password was just checked."""

    username: str  # the id_attribute's value (a staff account's flow member id)
    email: str  # lower case; "" when the directory holds none
    name: str
    groups: frozenset[str] = frozenset()


class DirectoryUnavailable(DomainError):
    """The directory could not be asked (down, slow, refused the service account): the
    person's password was neither accepted nor refused."""


class Directory(Protocol):
    def authenticate(self, username: str, password: str) -> Identity | None:
        """The account if the password is right; None for anything else (unknown account,
        wrong or empty password, a username no account could have). DirectoryUnavailable
        when the directory could not answer."""

    def groups_of(self, username: str) -> frozenset[str] | None:
        """The groups of the account `username` names, read with the service account (no
        password: to know a team member's roles while they are not signed in); None when no
        one account has that name. DirectoryUnavailable when the directory could not answer."""
