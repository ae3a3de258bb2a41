"""Signing in with a directory account against slapd: good, bad, empty and injection-shaped
credentials, and a password checked against the one account found."""

from __future__ import annotations

import ldap3
import pytest

from tests.integration.ldap.ldap_helpers import directory, person_dn, server_of

# Starts Debian's slapd (installed by `make test`, not by `make test-fast`).
pytestmark = pytest.mark.slow


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
