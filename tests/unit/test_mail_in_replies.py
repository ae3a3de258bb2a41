"""Mail in: a reply lands on the ticket its subject tag or references name."""

from __future__ import annotations

from services.application.mail_in import NO_TEXT
from services.domain.inbound import InboundAction
from tests.unit.mail_builders import mail, read

# --- replies land on their ticket ---------------------------------------------------------------


def test_a_reply_by_subject_tag_comments_on_that_ticket(mail_flow):
    raw = mail(
        "Yes, the replica can wait until Monday.",
        subject="Re: [TechOps #42] Received: Grant the analytics team a read replica",
        sender="Ana Souza <Ana@Example.org>",
    )
    inbound = read(raw, mail_flow)
    assert inbound.action is InboundAction.COMMENT
    assert inbound.ticket == 42
    assert inbound.draft is None
    assert inbound.author == "Ana Souza"
    assert inbound.author_email == "ana@example.org"
    assert inbound.message == "Yes, the replica can wait until Monday."


def test_another_teams_tag_is_not_a_reply(mail_flow):
    inbound = read(mail(subject="Re: [DBA #42] replica"), mail_flow)
    assert inbound.action is InboundAction.OPEN


def test_a_reply_by_references_comments_on_that_ticket(mail_flow):
    raw = mail(
        "Done on my side.",
        subject="Re: your replica",
        References="<first@mail.example.org> <1732700000.1234.rtflow-t7@example.org>",
    )
    inbound = read(raw, mail_flow)
    assert (inbound.action, inbound.ticket) == (InboundAction.COMMENT, 7)


def test_in_reply_to_names_the_ticket_too(mail_flow):
    raw = mail("ok", subject="Re: replica", In_Reply_To="<1732.55.rtflow-t12@example.org>")
    assert read(raw, mail_flow).ticket == 12


def test_references_win_over_a_subject_tag_that_disagrees(mail_flow):
    raw = mail(
        "ok",
        subject="Re: [TechOps #3] something else",
        In_Reply_To="<1732.55.rtflow-t12@example.org>",
        References="<1732.50.rtflow-t11@example.org> <1732.55.rtflow-t12@example.org>",
    )
    assert read(raw, mail_flow).ticket == 12


def test_the_most_recent_reference_names_the_ticket(mail_flow):
    raw = mail(
        "ok",
        subject="Re: replica",
        References="<1732.50.rtflow-t11@example.org> <other@example.org> "
        "<1732.55.rtflow-t12@example.org>",
    )
    assert read(raw, mail_flow).ticket == 12


def test_replies_work_without_the_gateway_configured(flow):
    inbound = read(mail("ok", subject="Re: [TechOps #5] Received: x"), flow)
    assert (inbound.action, inbound.ticket) == (InboundAction.COMMENT, 5)


def test_a_reply_with_nothing_new_says_so(mail_flow):
    raw = mail("> quoted only\n", subject="Re: [TechOps #5] Received: x")
    assert read(raw, mail_flow).message == NO_TEXT
