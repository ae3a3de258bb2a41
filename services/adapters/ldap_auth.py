"""Signing in against an LDAP directory with ldap3: the only module that imports ldap3.

The usual two-step: bind as the service account, find the one person whose entry matches the
flow config's user filter (the typed username escaped, RFC 4515, so `*` or `)(uid=*` match
nothing but themselves), then bind as that entry with the typed password. An empty password
is refused before anything is sent: a simple bind with a DN and no password is an
"unauthenticated bind" that many servers answer with success (RFC 4513 5.1.2).

Every connection has a connect and a receive timeout; a directory that is down, slow or
refuses the service account raises DirectoryUnavailable, never an ldap3 error.
"""

from __future__ import annotations

import logging
import math
import re
import ssl
from typing import Any

from services.domain.directory import Directory, DirectoryUnavailable, Identity, LdapConfig
from services.domain.flow import FlowConfig
from services.domain.team_roles import with_directory_roles

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5.0
MAX_USERNAME = 256
MAX_PASSWORD = 1024
MAX_GROUPS = 1000
_SUCCESS, _SIZE_LIMIT_EXCEEDED = 0, 4
_PLACEHOLDER = re.compile(r"\{(username|dn)\}")


def _fill(template: str, values: dict[str, str]) -> str:
    """The filter with each {name} replaced by its escaped value, in one pass (a value that
    itself reads "{dn}" stays as it is)."""
    from ldap3.utils.conv import escape_filter_chars

    return _PLACEHOLDER.sub(lambda m: escape_filter_chars(values[m.group(1)]), template)


def _values(attributes: dict[str, Any], name: str) -> list[str]:
    """An attribute's values as strings, whatever the case of its name in the answer."""
    for key, value in attributes.items():
        if key.lower() == name.lower():
            items = value if isinstance(value, list | tuple) else [value]
            return [v.decode() if isinstance(v, bytes) else str(v) for v in items]
    return []


def _first(attributes: dict[str, Any], name: str) -> str:
    values = _values(attributes, name)
    return values[0].strip() if values else ""


def _usable_username(username: str) -> bool:
    return 0 < len(username) <= MAX_USERNAME and not any(
        ord(ch) < 0x20 or ord(ch) == 0x7F for ch in username
    )


class LdapDirectory:
    def __init__(
        self,
        url: str,
        bind_dn: str,
        bind_password: str,
        config: LdapConfig,
        *,
        starttls: bool = False,
        ca_file: str = "",
        timeout: float = TIMEOUT_SECONDS,
    ):
        self.url = url.rstrip("/")  # ldap3 takes no path: ldap://host:389/ is ldap://host:389
        self.bind_dn = bind_dn
        self.bind_password = bind_password
        self.config = config
        self.starttls = starttls
        self.ca_file = ca_file
        self.timeout = timeout

    # -- the one call --------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> Identity | None:
        username = username.strip()
        if not _usable_username(username) or not password or len(password) > MAX_PASSWORD:
            return None
        from ldap3.core.exceptions import LDAPException

        try:
            return self._authenticate(username, password)
        except (LDAPException, OSError) as e:
            log.warning("directory %s unavailable: %s", self.url, e)
            raise DirectoryUnavailable(
                "the directory cannot be reached just now; try again in a few minutes"
            ) from None

    def _authenticate(self, username: str, password: str) -> Identity | None:
        server = self._server()
        service = self._connection(server, self.bind_dn, self.bind_password)
        try:
            if not service.bind():
                log.error(
                    "directory %s refused the service account %r: %s",
                    self.url,
                    self.bind_dn,
                    service.result.get("description"),
                )
                raise DirectoryUnavailable("the directory refused this service's own account")
            found = self._find(service, username)
            if found is None:
                return None
            dn, attributes = found
            if not self._password_ok(server, dn, password):
                return None
            uid = _first(attributes, self.config.id_attribute) or username
            return Identity(
                username=uid,
                email=_first(attributes, self.config.mail_attribute).lower(),
                name=_first(attributes, self.config.name_attribute) or uid,
                groups=self._groups(service, dn, uid, attributes),
            )
        finally:
            service.unbind()

    def groups_of(self, username: str) -> frozenset[str] | None:
        username = username.strip()
        if not _usable_username(username):
            return None
        from ldap3.core.exceptions import LDAPException

        try:
            return self._groups_of(username)
        except (LDAPException, OSError) as e:
            log.warning("directory %s unavailable: %s", self.url, e)
            raise DirectoryUnavailable("the directory cannot be reached just now") from None

    def _groups_of(self, username: str) -> frozenset[str] | None:
        service = self._connection(self._server(), self.bind_dn, self.bind_password)
        try:
            if not service.bind():
                raise DirectoryUnavailable("the directory refused this service's own account")
            found = self._find(service, username)
            if found is None:
                return None
            dn, attributes = found
            uid = _first(attributes, self.config.id_attribute) or username
            return self._groups(service, dn, uid, attributes)
        finally:
            service.unbind()

    # -- the steps -----------------------------------------------------------------------

    def _server(self):
        import ldap3

        tls = None
        if self.url.lower().startswith("ldaps://") or self.starttls:
            tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=self.ca_file or None)
        return ldap3.Server(self.url, connect_timeout=self.timeout, get_info=ldap3.NONE, tls=tls)

    def _connection(self, server, user: str, password: str):
        """An open connection (STARTTLS done when asked for), not bound yet."""
        import ldap3

        connection = ldap3.Connection(
            server,
            user=user or None,
            password=password or None,
            receive_timeout=max(1, math.ceil(self.timeout)),  # whole seconds only (ldap3)
            read_only=True,
            auto_referrals=False,
            raise_exceptions=False,
        )
        connection.open()
        if self.starttls and not connection.start_tls():
            connection.unbind()
            raise DirectoryUnavailable("the directory would not start TLS")
        return connection

    def _search(self, connection, base: str, search_filter: str, attributes: list[str], limit):
        import ldap3

        connection.search(
            search_base=base,
            search_filter=search_filter,
            search_scope=ldap3.SUBTREE,
            attributes=attributes,
            size_limit=limit,
            time_limit=int(self.timeout),
        )
        code = connection.result.get("result")
        if code not in (_SUCCESS, _SIZE_LIMIT_EXCEEDED):
            log.error(
                "directory search under %r failed: %s", base, connection.result.get("description")
            )
            raise DirectoryUnavailable("the directory could not be searched")
        return [
            (r["dn"], r.get("attributes") or {})
            for r in connection.response or []
            if r.get("type") == "searchResEntry"
        ]

    def _find(self, service, username: str) -> tuple[str, dict] | None:
        """The one entry the username names; none, or more than one, signs nobody in."""
        c = self.config
        entries = self._search(
            service,
            c.user_base,
            _fill(c.user_filter, {"username": username}),
            [c.id_attribute, c.mail_attribute, c.name_attribute, "memberOf"],
            2,
        )
        if len(entries) > 1:
            log.warning("directory: %d accounts match the username %r", len(entries), username)
        return entries[0] if len(entries) == 1 else None

    def _password_ok(self, server, dn: str, password: str) -> bool:
        connection = self._connection(server, dn, password)
        try:
            return bool(connection.bind())
        finally:
            connection.unbind()

    def _groups(self, service, dn: str, uid: str, attributes: dict) -> frozenset[str]:
        """Group names from a search of the groups naming the person, and from memberOf."""
        from ldap3.utils.dn import parse_dn

        c = self.config
        names: set[str] = set()
        for member_of in _values(attributes, "memberOf"):
            try:
                attribute, value, _ = parse_dn(member_of)[0]
            except Exception:  # noqa: BLE001, S112 - a malformed DN names no group
                continue
            if attribute.lower() == c.group_name_attribute.lower():
                names.add(value.replace("\\", ""))
        if c.group_base:
            search_filter = _fill(c.group_filter, {"dn": dn, "username": uid})
            for _, group in self._search(
                service, c.group_base, search_filter, [c.group_name_attribute], MAX_GROUPS
            ):
                names.update(_values(group, c.group_name_attribute))
        return frozenset(names)


def with_member_roles(flow: FlowConfig, directory: Directory | None) -> FlowConfig:
    """The flow config whose team members also hold the roles of their directory groups,
    read once with the service account (one search per member). A directory that cannot
    answer leaves the flow config's own roles, with a warning: sign-in still reads the groups."""
    if directory is None or flow.ldap is None:
        return flow
    try:
        groups = {m.id: directory.groups_of(m.id) or frozenset() for m in flow.team.members}
    except DirectoryUnavailable as e:
        log.warning("roles from directory groups are not counted (until a restart): %s", e)
        return flow
    return with_directory_roles(flow, groups)
