"""A real LDAP server for the tests: Debian's slapd (installed by `make test`), started on
loopback from a config generated here, with people and groups loaded through ldap3 as the
directory's root; and the directory adapter built on it."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import ldap3
import pytest

from services.adapters.ldap_auth import LdapDirectory
from services.domain.directory import LdapConfig
from tests.e2e.stack_process import free_port

SLAPD = Path("/usr/sbin/slapd")
SCHEMAS = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")

SUFFIX = "dc=example,dc=org"
ROOT_DN, ROOT_PASSWORD = f"cn=admin,{SUFFIX}", "root-secret"
SERVICE_DN, SERVICE_PASSWORD = f"cn=rtflow,ou=services,{SUFFIX}", "service-secret"
PEOPLE, GROUPS = f"ou=people,{SUFFIX}", f"ou=groups,{SUFFIX}"

# uid -> (cn, mail, password); mira and jonas are members of the example flow's team.
PEOPLE_ENTRIES = {
    "mira": ("Mira Okafor", "Mira@Example.org", "mira-pass-1"),
    "jonas": ("Jonas Weber", "jonas@example.org", "jonas-pass-1"),
    "lee": ("Lee Park", "lee@example.org", "lee-pass-1"),
    "admin": ("Directory Admin", "admin@example.org", "admin-pass-1"),
    "sam": ("Sam Stranger", "sam@example.org", "sam-pass-1"),  # staff group, not in the team
    "nomail": ("No Mail", None, "nomail-pass-1"),
    "kim(ops)*": ("Kim Odd", "kim@example.org", "kim-pass-1"),  # filter characters in a uid
}
GROUP_ENTRIES = {
    "ops-engineers": ["mira", "jonas", "sam"],
    "ops-triage": ["mira"],
    "staff-all": ["lee"],  # mapped to nothing
}
STAFF = {"ops-engineers": ("engineer",), "OPS-Triage": ("triager",)}


def person_dn(uid: str) -> str:
    from ldap3.utils.dn import escape_rdn

    return f"uid={escape_rdn(uid)},{PEOPLE}"


def server_of(url: str) -> ldap3.Server:
    return ldap3.Server(url.rstrip("/"), get_info=ldap3.NONE)


@dataclass
class Slapd:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def slapd_conf(tmp: Path) -> str:
    modules = (
        f"modulepath {MODULES}\nmoduleload back_mdb\nmoduleload memberof\n"
        if (MODULES / "back_mdb.so").exists()
        else ""
    )
    return f"""
include {SCHEMAS}/core.schema
include {SCHEMAS}/cosine.schema
include {SCHEMAS}/inetorgperson.schema
{modules}
pidfile {tmp}/slapd.pid
argsfile {tmp}/slapd.args
# As some directories do: a DN with no password binds "unauthenticated", and succeeds.
allow bind_anon_dn

database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {tmp}/db
overlay memberof

access to attrs=userPassword
  by self write
  by anonymous auth
  by * none
access to *
  by dn.exact="{SERVICE_DN}" read
  by self read
  by anonymous auth
  by * none
"""


def start_slapd(tmp: Path) -> Slapd:
    if not SLAPD.exists():
        pytest.fail("Debian's slapd is missing: `make test` installs it (apt-get install slapd)")
    (tmp / "db").mkdir(parents=True)
    (tmp / "slapd.conf").write_text(slapd_conf(tmp))
    url = f"ldap://127.0.0.1:{free_port()}/"
    log = tmp / "slapd.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(SLAPD), "-h", url, "-f", str(tmp / "slapd.conf"), "-d", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Slapd(url, process, log)
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            raise AssertionError(f"slapd exited with {process.returncode}:\n{log.read_text()}")
        try:
            ldap3.Connection(server_of(url), ROOT_DN, ROOT_PASSWORD).bind()
            return server
        except ldap3.core.exceptions.LDAPException:
            if time.monotonic() > deadline:
                server.stop()
                raise AssertionError(f"slapd did not answer on {url}:\n{log.read_text()}") from None
            time.sleep(0.05)


def load_directory(url: str) -> None:
    root = ldap3.Connection(server_of(url), ROOT_DN, ROOT_PASSWORD, auto_bind=True)

    def add(dn: str, classes: list[str], attributes: dict) -> None:
        assert root.add(dn, classes, attributes), (dn, root.result)

    add(SUFFIX, ["dcObject", "organization"], {"dc": "example", "o": "Example"})
    for ou in ("people", "groups", "services"):
        add(f"ou={ou},{SUFFIX}", ["organizationalUnit"], {"ou": ou})
    add(
        SERVICE_DN,
        ["organizationalRole", "simpleSecurityObject"],
        {"cn": "rtflow", "userPassword": SERVICE_PASSWORD},
    )
    for uid, (cn, mail, password) in PEOPLE_ENTRIES.items():
        attributes = {"uid": uid, "cn": cn, "sn": cn.split()[-1], "userPassword": password}
        if mail:
            attributes["mail"] = mail
        add(person_dn(uid), ["inetOrgPerson"], attributes)
    for name, members in GROUP_ENTRIES.items():
        add(
            f"cn={name},{GROUPS}",
            ["groupOfNames"],
            {"cn": name, "member": list(map(person_dn, members))},
        )
    root.unbind()


def config(**overrides) -> LdapConfig:
    return LdapConfig(
        **{
            "user_base": PEOPLE,
            "user_filter": "(&(objectClass=inetOrgPerson)(uid={username}))",
            "group_base": GROUPS,
            "staff": STAFF,
            **overrides,
        }
    )


def directory(url: str, **overrides) -> LdapDirectory:
    settings = {"bind_dn": SERVICE_DN, "bind_password": SERVICE_PASSWORD, "timeout": 5.0}
    settings |= {k: overrides.pop(k) for k in list(overrides) if k in settings}
    return LdapDirectory(
        url,
        settings["bind_dn"],
        settings["bind_password"],
        config(**overrides),
        timeout=settings["timeout"],
    )
