"""The generic hook: any JSON, signed as GitHub signs, mapped by hooks.generic.fields."""

from __future__ import annotations

import hashlib

import pytest

from services.domain.errors import Unauthorized
from services.domain.inbound import InboundAction
from services.intake.hooks import generic
from services.intake.hooks.errors import BadPayload, HookUnavailable
from tests.fixtures.webhooks import (
    SIGNED_AT,
    body_of,
    generic_headers,
    hook_request,
    with_hooks,
)

SECRET = "generic-secret"
MAPPED = {
    "title": "alert.summary",
    "requirements": "alert.details",
    "key": "alert.id",
    "action": "event",
    "url": "alert.link",
    "author": "sender.name",
    "acceptance_criteria": "alert.done_when",
}


def hook_flow(flow, fields=None):
    return with_hooks(flow, {"generic": {"ticket_type": "issue", "fields": fields or {}}})


def deliver(flow, data: dict, fields=None, delivery: str = ""):
    body = body_of(data)
    headers = generic_headers(SECRET, body, delivery)
    req = hook_request("generic", hook_flow(flow, fields), body, headers, received_at=SIGNED_AT)
    generic.authenticate(req, SECRET)
    return generic.parse(req)


def test_unmapped_fields_are_read_from_the_top_level_and_open_is_the_default(flow):
    m = deliver(
        flow,
        {
            "title": "Renew the TLS certificate of www",
            "requirements": "The certificate of www.example.org expires in 10 days.",
            "key": "cert-www",
            "acceptance_criteria": ["www serves a certificate valid for a year"],
            "drop_dead_date": "2026-12-07",
            "url": "https://certs.example.org/www",
            "author": "certwatch",
        },
        delivery="cw-1",
    )
    assert (m.source, m.delivery, m.action) == ("generic", "cw-1", InboundAction.OPEN)
    assert (m.thread, m.author, m.url) == (
        "generic:cert-www",
        "certwatch",
        "https://certs.example.org/www",
    )
    assert m.draft["title"] == "Renew the TLS certificate of www"
    assert m.draft["acceptance_criteria"] == ["www serves a certificate valid for a year"]
    assert m.draft["drop_dead_date"] == "2026-12-07"
    assert m.draft["requester"] == {"name": "Webhook (via hook)", "email": "techops@example.org"}


def test_mapped_fields_are_read_from_their_dotted_paths(flow):
    data = {
        "event": "open",
        "sender": {"name": "uptime-bot"},
        "alert": {
            "id": 4711,
            "summary": "www is down",
            "details": "www.example.org answered 503 for 5 minutes.",
            "link": "https://uptime.example.org/checks/4711",
            "done_when": "www answers 200\n- the check is green",
        },
        "title": "ignored: title is mapped elsewhere",
    }
    m = deliver(flow, data, MAPPED)
    assert (m.thread, m.author, m.url) == (
        "generic:4711",
        "uptime-bot",
        "https://uptime.example.org/checks/4711",
    )
    assert m.draft["title"] == "www is down"
    assert m.draft["requirements"] == "www.example.org answered 503 for 5 minutes."
    assert m.draft["acceptance_criteria"] == ["www answers 200", "the check is green"]
    assert m.delivery == hashlib.sha256(body_of(data)).hexdigest()  # no delivery header


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("comment", InboundAction.COMMENT),
        ("CLOSE", InboundAction.CLOSE),
        ("reopen", InboundAction.REOPEN),
        ("resolved", InboundAction.RESOLVED),
    ],
)
def test_other_actions_address_the_keys_thread(flow, action, expected):
    m = deliver(flow, {"action": action, "key": "cert-www", "message": "Renewed by hand."})
    assert (m.action, m.thread, m.message, m.draft) == (
        expected,
        "generic:cert-www",
        "Renewed by hand.",
        None,
    )


def test_a_message_stands_in_for_missing_requirements(flow):
    m = deliver(flow, {"title": "Disk full", "message": "/var on db1 is 97% full"})
    assert m.draft["requirements"] == "/var on db1 is 97% full"
    assert m.thread == ""  # no key: one ticket per delivery


def test_a_comment_without_a_key_has_nothing_to_address(flow):
    with pytest.raises(BadPayload, match="thread"):
        deliver(flow, {"action": "comment", "message": "hello"})


def test_an_unknown_action_is_refused_naming_the_choices(flow):
    with pytest.raises(BadPayload, match="action must be one of open, comment, close"):
        deliver(flow, {"action": "explode", "key": "k"})


def test_a_draft_the_intake_rules_refuse_names_every_bad_field(flow):
    with pytest.raises(BadPayload) as refused:
        deliver(flow, {"requirements": "", "drop_dead_date": "2020-01-01", "colour": "red"})
    assert set(refused.value.errors) == {"title", "requirements", "drop_dead_date"}
    assert "title: is required" in str(refused.value)


def test_a_title_that_is_not_text_is_refused(flow):
    with pytest.raises(BadPayload, match="title must be text, not an object"):
        deliver(flow, {"title": {"en": "Disk full"}, "requirements": "x"})


def test_numbers_are_text_enough(flow):
    m = deliver(flow, {"title": 404, "requirements": 12.5, "key": 7})
    assert (m.draft["title"], m.draft["requirements"], m.thread) == ("404", "12.5", "generic:7")


def test_a_mapping_to_an_unknown_field_is_a_configuration_error(flow):
    with pytest.raises(HookUnavailable, match="colour"):
        deliver(flow, {"title": "t", "requirements": "r"}, {"colour": "paint"})


def test_the_signature_must_be_ours(flow):
    body = body_of({"title": "t", "requirements": "r"})
    headers = generic_headers("not the secret", body)
    with pytest.raises(Unauthorized):
        generic.authenticate(hook_request("generic", hook_flow(flow), body, headers), SECRET)
