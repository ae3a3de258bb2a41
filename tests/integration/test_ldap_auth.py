"""Signing in with a directory account against a real LDAP server: Debian's slapd (installed
by `make test`), started on loopback from a config generated here, with people and groups
loaded through ldap3 as the directory's root.

Good, bad, empty and injection-shaped credentials; groups mapped to console roles; a directory
that is down or silent fails cleanly; and the sign-in pages (console and "my tickets") over
the real directory."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ldap3
import pytest

from services.adapters.bootstrap import build
from services.adapters.ldap_auth import LdapDirectory
from services.adapters.settings import Settings
from services.application.filing import file_ticket
from services.domain.directory import DirectoryUnavailable, LdapConfig
from services.intake.app import create_app
from tests.conftest import valid_ticket
from tests.fakes import FakeMailer, FakeRequesterLinks, FakeTicketRepository

# Starts Debian's slapd (installed by `make test`, not by `make test-fast`).
pytestmark = pytest.mark.slow

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@pytest.fixture(scope="module")
def slapd(tmp_path_factory) -> Iterator[Slapd]:
    server = start_slapd(tmp_path_factory.mktemp("slapd"))
    try:
        load_directory(server.url)
        yield server
    finally:
        server.stop()


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


# -- good and bad credentials --------------------------------------------------------------


def test_good_credentials_give_the_account_its_mail_name_and_groups(slapd):
    identity = directory(slapd.url).authenticate("mira", "mira-pass-1")
    assert identity is not None
    assert identity.username == "mira"
    assert identity.email == "mira@example.org"  # lower case, as the queue keeps addresses
    assert identity.name == "Mira Okafor"
    assert identity.groups == {"ops-engineers", "ops-triage"}


def test_a_username_is_matched_as_the_directory_matches_it(slapd):
    # uid compares without regard to case or surrounding spaces; the id comes back as stored.
    identity = directory(slapd.url).authenticate("  MIRA ", "mira-pass-1")
    assert identity is not None and identity.username == "mira"


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("mira", "wrong-password"),
        ("mira", "MIRA-PASS-1"),
        ("nobody", "mira-pass-1"),
        ("mira", ""),  # an unauthenticated bind: this server would say yes
        ("", "mira-pass-1"),
        ("   ", "mira-pass-1"),
    ],
)
def test_bad_credentials_are_refused(slapd, username, password):
    assert directory(slapd.url).authenticate(username, password) is None


def test_the_server_would_accept_an_empty_password_but_we_never_send_one(slapd):
    """The reason for the empty-password rule: with a DN and no password, this server binds."""
    connection = ldap3.Connection(
        server_of(slapd.url),
        person_dn("lee"),
        "x",
        raise_exceptions=False,
    )
    connection.open()
    # Built past ldap3's own check for empty passwords, as another client would send it.
    from ldap3.operation.bind import bind_operation

    request = bind_operation(3, ldap3.SIMPLE, person_dn("lee"), "x")
    request["authentication"]["simple"] = b""
    response = connection.post_send_single_response(connection.send("bindRequest", request))
    assert response[0]["result"] == 0  # "success", with no password at all
    connection.unbind()
    assert directory(slapd.url).authenticate("lee", "") is None


@pytest.mark.parametrize(
    "username",
    [
        "*",
        "adm*",
        "admin)(|(uid=*",
        "*)(uid=*))(|(uid=*",
        "admin)(&",
        "\\",
        "\\2a",
        "admin\x00",
        "adm\x00*",
        "ad\nmin",
        "x" * 300,
    ],
)
def test_injection_shaped_usernames_match_nobody(slapd, username):
    """Each would widen the search to the admin account (or every account) if it were put in
    the filter as typed; escaped, it matches only an account with that very name."""
    dir_ = directory(slapd.url)
    for password in ("admin-pass-1", "lee-pass-1", "mira-pass-1"):
        assert dir_.authenticate(username, password) is None


def test_a_uid_holding_filter_characters_signs_in_with_exactly_that_name(slapd):
    dir_ = directory(slapd.url)
    identity = dir_.authenticate("kim(ops)*", "kim-pass-1")
    assert identity is not None and identity.username == "kim(ops)*"
    assert dir_.authenticate("kim(ops)", "kim-pass-1") is None
    assert dir_.authenticate("kim*", "kim-pass-1") is None


def test_a_password_is_checked_against_the_one_account_found(slapd):
    # lee's password does not sign in as mira, nor mira's as lee.
    dir_ = directory(slapd.url)
    assert dir_.authenticate("mira", "lee-pass-1") is None
    assert dir_.authenticate("lee", "mira-pass-1") is None


def test_a_filter_matching_several_accounts_signs_nobody_in(slapd):
    broad = directory(slapd.url, user_filter="(|(uid={username})(objectClass=inetOrgPerson))")
    assert broad.authenticate("lee", "lee-pass-1") is None


def test_an_account_without_mail_signs_in_with_no_address(slapd):
    identity = directory(slapd.url).authenticate("nomail", "nomail-pass-1")
    assert identity is not None and identity.email == ""


# -- groups and roles ----------------------------------------------------------------------


def test_groups_map_to_console_roles(slapd):
    dir_ = directory(slapd.url)
    c = config()
    mira = dir_.authenticate("mira", "mira-pass-1")
    jonas = dir_.authenticate("jonas", "jonas-pass-1")
    lee = dir_.authenticate("lee", "lee-pass-1")
    assert c.staff_roles(mira) == {"engineer", "triager"}  # group names compare ignoring case
    assert c.staff_roles(jonas) == {"engineer"}
    assert lee.groups == {"staff-all"} and c.staff_roles(lee) == frozenset()


def test_groups_come_from_member_of_without_a_group_base(slapd):
    identity = directory(slapd.url, group_base="").authenticate("mira", "mira-pass-1")
    assert identity.groups == {"ops-engineers", "ops-triage"}  # the memberof overlay's values


def test_group_filters_may_name_the_username(slapd):
    by_name = directory(
        slapd.url,
        group_filter="(&(objectClass=groupOfNames)(member=uid={username},ou=people,dc=example,dc=org))",
    )
    assert by_name.authenticate("jonas", "jonas-pass-1").groups == {"ops-engineers"}


def test_requester_groups_limit_who_may_sign_in_as_a_requester(slapd):
    dir_ = directory(slapd.url, requester_groups=("staff-all",))
    lee = dir_.authenticate("lee", "lee-pass-1")
    jonas = dir_.authenticate("jonas", "jonas-pass-1")
    assert dir_.config.may_request(lee) and not dir_.config.may_request(jonas)
    assert config().may_request(jonas)  # no list: anyone with an account


# -- the directory failing -----------------------------------------------------------------


def test_a_directory_that_is_down_fails_cleanly(tmp_path):
    server = start_slapd(tmp_path / "down")
    try:
        load_directory(server.url)
        dir_ = directory(server.url)
        assert dir_.authenticate("lee", "lee-pass-1") is not None
    finally:
        server.stop()
    started = time.monotonic()
    with pytest.raises(DirectoryUnavailable, match="cannot be reached"):
        dir_.authenticate("lee", "lee-pass-1")
    assert time.monotonic() - started < 5


def test_a_directory_that_never_answers_times_out(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    try:
        dir_ = directory(f"ldap://127.0.0.1:{listener.getsockname()[1]}", timeout=1)
        started = time.monotonic()
        with pytest.raises(DirectoryUnavailable):
            dir_.authenticate("lee", "lee-pass-1")
        assert time.monotonic() - started < 5
    finally:
        for s in accepted:
            s.close()
        listener.close()


def test_a_refused_service_account_fails_cleanly_and_is_logged(slapd, caplog):
    dir_ = directory(slapd.url, bind_password="not-the-service-password")
    with pytest.raises(DirectoryUnavailable, match="service's own account"):
        dir_.authenticate("lee", "lee-pass-1")
    assert "refused the service account" in caplog.text
    assert "lee-pass-1" not in caplog.text and "not-the-service-password" not in caplog.text


def test_a_search_base_that_does_not_exist_fails_cleanly(slapd):
    with pytest.raises(DirectoryUnavailable):
        directory(slapd.url, user_base="ou=nowhere,dc=example,dc=org").authenticate(
            "lee", "lee-pass-1"
        )


# -- the sign-in pages over the real directory ---------------------------------------------


@pytest.fixture
def app(slapd, flow, clock):
    tickets = FakeTicketRepository()
    settings = Settings(
        secret_key="test-secret-" * 4,
        base_url="http://rt.example.org",
        ldap_url=slapd.url,
        ldap_bind_dn=SERVICE_DN,
        ldap_bind_password=SERVICE_PASSWORD,
    )
    container = build(
        settings,
        flow=flow.model_copy(update={"ldap": config()}),
        clock=clock,
        tickets=tickets,
        requester_links=FakeRequesterLinks(),
        mailer=FakeMailer(),
    )
    assert isinstance(container.directory, LdapDirectory)  # built from the settings
    return create_app(container)


def csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_staff_sign_in_to_the_console_with_a_directory_account(app):
    client = app.test_client()
    page = client.get("/staff/login").text
    assert 'name="username"' in page and 'name="token"' in page  # both ways in
    response = client.post(
        "/staff/login/directory",
        data={"csrf_token": csrf_from(page), "username": "mira", "password": "mira-pass-1"},
    )
    assert response.status_code == 303, response.text
    queue = client.get("/staff/")
    assert queue.status_code == 200 and "Signed in as Mira Okafor" in queue.text
    cookie = client.get_cookie("session")
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert data["staff_directory"]["member"] == "mira"
    assert "mira-pass-1" not in repr(data)


@pytest.mark.parametrize(
    ("username", "password", "status", "message"),
    [
        ("mira", "not-her-password", 401, "unknown username, or wrong password"),
        ("lee", "lee-pass-1", 403, "in no staff group"),
        ("sam", "sam-pass-1", 403, "not a member of the team"),
        ("*", "mira-pass-1", 401, "unknown username, or wrong password"),
        ("mira", "", 401, "enter your username and your password"),
    ],
)
def test_the_console_refuses_who_is_not_staff(app, username, password, status, message):
    client = app.test_client()
    page = client.get("/staff/login").text
    response = client.post(
        "/staff/login/directory",
        data={"csrf_token": csrf_from(page), "username": username, "password": password},
    )
    assert response.status_code == status
    assert message in response.text
    assert password not in response.text or not password
    assert client.get("/staff/").status_code == 303  # still signed out


def test_a_requester_signs_in_with_a_directory_account_and_sees_their_tickets(app):
    c = app.extensions["rtflow"]
    filed = file_ticket(
        valid_ticket(
            title="Lee's own request for a VLAN",
            requester={"name": "Lee Park", "email": "lee@example.org"},
        ),
        c.ticket_deps,
        source="api",
    )
    client = app.test_client()
    page = client.get("/me/sign-in").text
    assert "directory account" in page
    response = client.post(
        "/me/sign-in/directory",
        data={"csrf_token": csrf_from(page), "username": "lee", "password": "lee-pass-1"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/me/"
    mine = client.get("/me/")
    assert "Lee&#39;s own request for a VLAN" in mine.text
    assert f'href="/me/tickets/{filed.ticket.number}"' in mine.text

    other = app.test_client()
    page = other.get("/me/sign-in").text
    refused = other.post(
        "/me/sign-in/directory",
        data={"csrf_token": csrf_from(page), "username": "lee", "password": "nope"},
    )
    assert refused.status_code == 401 and "wrong password" in refused.text
    assert other.get("/me/").status_code == 303


def test_a_requester_account_without_mail_is_told_to_use_a_link(app):
    client = app.test_client()
    page = client.get("/me/sign-in").text
    response = client.post(
        "/me/sign-in/directory",
        data={"csrf_token": csrf_from(page), "username": "nomail", "password": "nomail-pass-1"},
    )
    assert response.status_code == 403 and "no mail address" in response.text


def test_the_pages_say_so_when_the_directory_is_down(flow, clock):
    settings = Settings(
        secret_key="test-secret-" * 4,
        ldap_url=f"ldap://127.0.0.1:{free_port()}",
        ldap_bind_dn=SERVICE_DN,
        ldap_bind_password=SERVICE_PASSWORD,
    )
    container = build(
        settings,
        flow=flow.model_copy(update={"ldap": config()}),
        clock=clock,
        tickets=FakeTicketRepository(),
    )
    client = create_app(container).test_client()
    page = client.get("/staff/login").text
    response = client.post(
        "/staff/login/directory",
        data={"csrf_token": csrf_from(page), "username": "mira", "password": "mira-pass-1"},
    )
    assert response.status_code == 503
    assert (
        "cannot be reached" in response.text and "staff token still signs you in" in response.text
    )
    page = client.get("/me/sign-in").text
    response = client.post(
        "/me/sign-in/directory",
        data={"csrf_token": csrf_from(page), "username": "lee", "password": "lee-pass-1"},
    )
    assert response.status_code == 503 and "cannot be reached" in response.text


# -- the flow config's ldap section --------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"user_filter": "uid={username}"}, "user_filter"),
        ({"user_filter": "(uid=admin)"}, "user_filter"),
        ({"user_filter": "(uid={username}))(|(uid=*"}, "user_filter"),
        ({"group_filter": "(member=x)"}, "group_filter"),
        ({"staff": {"ops": ["wizard"]}}, "unknown role"),
        ({"staff": {"ops": []}}, "at least 1"),
        ({"id_attribute": "uid)(x"}, "id_attribute"),
        ({"mystery": 1}, "mystery"),
    ],
)
def test_a_bad_ldap_section_is_named(overrides, message):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=re.escape(message)):
        config(**overrides)


def test_the_example_flow_configs_commented_ldap_section_is_valid(flow):
    import yaml

    from services.adapters.settings import PROJECT_ROOT

    text = (PROJECT_ROOT / "infra" / "flow.example.yaml").read_text()
    block = text[text.index("# ldap:") :]
    section = yaml.safe_load("\n".join(line[2:] for line in block.splitlines()))
    assert flow.ldap is None  # commented out: no directory on a laptop
    ldap = LdapConfig.model_validate(section["ldap"])
    assert ldap.staff["techops-triage"] == ("triager",)
