"""Directory groups mapped to console roles and requester groups, and a directory that is
down, silent, refuses the service account or lacks the search base: it fails cleanly."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from services.domain.directory import DirectoryUnavailable
from tests.integration.ldap.ldap_helpers import config, directory, load_directory, start_slapd

# Starts Debian's slapd (installed by `make test`, not by `make test-fast`).
pytestmark = pytest.mark.slow


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
