"""The StaffTokens' contract on DynamoDB and on SQLite (no fake): a token names its member
until revoked, and the store keeps only its digest."""

from __future__ import annotations

import pytest


@pytest.fixture
def member(tag):
    return tag.replace("_", "-")  # member ids hold no "_"


def test_an_issued_token_names_its_member(staff_tokens, member):
    token = staff_tokens.issue(member, "laptop")
    assert token.startswith(f"rtf_{member}_")
    assert staff_tokens.verify(token) == member
    parsed = staff_tokens.parse(token)
    assert parsed is not None and parsed[0] == member and parsed[1] not in token
    assert staff_tokens.exists(*parsed)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "rtf_",
        "rtf_priya_short",
        "xyz_priya_" + "s" * 40,
        "rtf__" + "s" * 40,
        "rtf_p_" + "s" * 300,
    ],
)
def test_a_malformed_token_names_nobody(staff_tokens, token):
    assert staff_tokens.parse(token) is None
    assert staff_tokens.verify(token) is None


def test_a_made_up_or_changed_token_names_nobody(staff_tokens, member):
    token = staff_tokens.issue(member)
    assert staff_tokens.verify(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert staff_tokens.verify(f"rtf_{member}_" + "s" * 40) is None
    assert not staff_tokens.exists(member, "0" * 64)


def test_revoking_ends_every_token_of_the_member_only(staff_tokens, member):
    tokens = [staff_tokens.issue(member), staff_tokens.issue(member, "ci")]
    other = staff_tokens.issue(f"{member}-other")
    assert staff_tokens.revoke_all(member) == 2
    assert [staff_tokens.verify(t) for t in tokens] == [None, None]
    assert staff_tokens.verify(other) == f"{member}-other"
    assert staff_tokens.revoke_all(member) == 0
