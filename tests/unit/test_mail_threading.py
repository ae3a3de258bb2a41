"""Mail threading: the tag and the Message-ID our mails carry are the ones mail in reads back,
built and parsed in one place (services/domain/threading.py)."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from services.adapters.mail import to_mime
from services.domain import threading
from services.domain.mail import Mail


def test_a_subject_tag_reads_back_however_a_mail_client_respaces_it():
    tag = threading.subject_tag("TechOps", 42)
    assert tag == "[TechOps #42]"
    for subject in (f"Re: {tag} Update", "RE: [ techops  #  42 ] x", "Fwd: Re:\n [TechOps\t#42]"):
        assert threading.subject_ticket(subject, "TechOps") == 42
    for subject in ("[Other #42] x", "[TechOps #0] x", "[TechOps 42] x", "TechOps #42"):
        assert threading.subject_ticket(subject, "TechOps") is None


def test_the_message_id_of_a_mail_about_a_ticket_names_it_and_a_reply_finds_it():
    mail = Mail(to=("a@example.org",), subject="s", text="t", headers={"X-RTFlow-Ticket": "42"})
    sent = message_from_bytes(
        to_mime(mail, "RT Flow <rtflow@example.org>").as_bytes(), policy=policy.default
    )
    message_id = sent["Message-ID"].strip("<>")
    assert threading.is_ours(message_id)
    assert threading.replied_ticket([message_id], []) == 42
    assert threading.replied_ticket([], ["other@example.org", message_id]) == 42
    assert sent["References"] == threading.thread_reference(42, "example.org")


def test_a_mail_about_no_ticket_has_an_id_that_names_none():
    mail = Mail(to=("a@example.org",), subject="s", text="t")
    sent = to_mime(mail, "rtflow@example.org")
    assert not threading.is_ours(sent["Message-ID"])
    assert sent["References"] is None


@pytest.mark.parametrize(
    ("in_reply_to", "references", "ticket"),
    [
        (["1.2.rtflow-t12@example.org"], ["1.1.rtflow-t11@example.org"], 12),
        ([], ["1.1.rtflow-t11@example.org", "x@y", "1.3.rtflow-t13@example.org"], 13),
        (["1.0.rtflow-t0@example.org"], ["1.1.rtflow-t11@example.org"], 11),
        (["someone@else.example"], [], None),
    ],
)
def test_a_reply_belongs_to_the_newest_message_of_ours_it_answers(in_reply_to, references, ticket):
    assert threading.replied_ticket(in_reply_to, references) == ticket
