"""Roles from directory groups count everywhere: the team as the flow config lists it, each
member also holding the roles their directory groups give (`ldap.staff`).

Assigning, routing, the triagers' mails and the console all read members' roles from the flow
config, so the roles are merged there once, not checked again at each of those places.
"""

from __future__ import annotations

from collections.abc import Mapping

from .directory import Identity
from .flow import FlowConfig


def with_directory_roles(flow: FlowConfig, groups: Mapping[str, frozenset[str]]) -> FlowConfig:
    """`flow` whose members hold, besides their own roles, those of their groups (member id
    -> directory group names); unchanged without an `ldap:` section."""
    if flow.ldap is None:
        return flow
    members = []
    for m in flow.team.members:
        given = flow.ldap.staff_roles(
            Identity(m.id, m.email, m.name, groups.get(m.id, frozenset()))
        )
        roles = tuple(dict.fromkeys((*m.roles, *sorted(given))))
        members.append(m if roles == m.roles else m.model_copy(update={"roles": roles}))
    team = flow.team.model_copy(update={"members": tuple(members)})
    return flow.model_copy(update={"team": team})
