"""What every source's parser shares: typed reads naming the bad path, text cut to fit."""

from __future__ import annotations

import pytest

from services.domain.errors import Unauthorized
from services.intake.hooks.auth import check_credentials, check_signature, check_token, hmac_hex
from services.intake.hooks.errors import BadPayload
from services.intake.hooks.payload import clip, get, get_id, multiline, one_line, thread_key
from tests.fixtures.webhooks import hook_request, with_hooks

DATA = {
    "issue": {"number": 7, "id": "12", "title": "t", "flag": True, "list": [1]},
    "n": None,
}
DATA["issue"] |= {"super": "²", "huge": "9" * 5000}


def test_get_reads_a_dotted_path_of_the_expected_type():
    assert get(DATA, "issue.number", int) == 7
    assert get(DATA, "issue.id", int) == 12  # ids come as numbers or numeric strings
    assert get_id(DATA, "issue.number") == "7"
    assert get(DATA, "issue.missing", str, required=False, default="d") == "d"
    assert get(DATA, "n", str, required=False) is None


@pytest.mark.parametrize(
    ("path", "kind", "message"),
    [
        ("issue.absent", str, "missing issue.absent"),
        ("n", str, "missing n"),
        ("issue.title.deeper", str, "missing issue.title.deeper"),
        ("issue.title", int, "issue.title must be a number"),
        ("issue.flag", int, "issue.flag must be a number"),
        ("issue.list", dict, "issue.list must be an object"),
        ("issue.super", int, "issue.super must be a number"),
        ("issue.huge", int, "issue.huge is not a number we can read"),
    ],
)
def test_get_names_the_path_that_is_wrong(path, kind, message):
    with pytest.raises(BadPayload, match=message):
        get(DATA, path, kind)


def test_get_id_refuses_what_is_not_an_id():
    for value in ({"id": True}, {"id": ["1"]}, {"id": " "}):
        with pytest.raises(BadPayload, match="id must be a string or a number"):
            get_id(value, "id")


def test_text_is_cut_to_fit_and_one_liners_lose_their_control_characters():
    assert clip("  abc  ", 10) == "abc"
    assert clip("abcdefghij" * 3, 10) == "abcdefghi…"
    assert one_line("a\r\nb\tc\x00d\x7fe", 100) == "a b c d e"
    assert multiline("a\nb\tc\x00d\x1be\r\n", 100) == "a\nb\tcde"


def test_a_thread_too_long_to_store_is_hashed_deterministically():
    assert thread_key("alertmanager", "{}:{a=1}") == "alertmanager:{}:{a=1}"
    long = thread_key("alertmanager", "k" * 600)
    assert long == thread_key("alertmanager", "k" * 600) != thread_key("alertmanager", "k" * 601)
    assert len(long) <= 500


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "expected valid JSON"),
        (b"", "expected valid JSON"),
        (b"\xff\xfe\x00", "expected valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "expected valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'"text"', "must be a JSON object"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(flow, body, message):
    req = hook_request("github", with_hooks(flow), body, {})
    with pytest.raises(BadPayload, match=message):
        _ = req.data


def test_a_form_encoded_body_says_which_content_type_to_choose(flow):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    req = hook_request("github", with_hooks(flow), b"payload=%7B%7D", headers)
    with pytest.raises(BadPayload, match="content type to application/json"):
        _ = req.data


def test_signature_token_and_credential_checks():
    check_signature("k", b"body", "sha256=" + hmac_hex("k", b"body"), "X-Sig", prefix="sha256=")
    check_signature("k", b"body", hmac_hex("k", b"body").upper(), "X-Sig")  # hex in any case
    check_token("k", "k", "X-Token")
    check_credentials("k", "bearer k")
    for call in (
        lambda: check_signature("k", b"body", hmac_hex("k", b"body"), "X-Sig", prefix="sha256="),
        lambda: check_token("k", "K", "X-Token"),
        lambda: check_token("k", "ḱ", "X-Token"),  # non-ASCII compares, and fails
        lambda: check_credentials("k", "Basic"),
    ):
        with pytest.raises(Unauthorized):
            call()
