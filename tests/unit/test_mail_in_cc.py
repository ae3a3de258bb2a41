"""Mail in: the Cc of a new mail become the new ticket's CC, the team's own addresses and the
sender left out, a bad address dropped rather than the mail, at most five; a reply's Cc copy
nobody."""

from __future__ import annotations

from services.domain.watchers import MAX_CC
from tests.unit.mail_builders import assert_files_a_valid_draft, mail, read


def test_the_cc_of_a_new_mail_are_copied_on_its_ticket(mail_flow):
    inbound = read(mail(Cc="Lee Park <Lee@Example.org>, kim@example.org"), mail_flow)
    assert inbound.draft["cc"] == ["lee@example.org", "kim@example.org"]
    assert_files_a_valid_draft(inbound, mail_flow)


def test_the_team_the_gateway_and_the_sender_are_not_copied(mail_flow):
    cc = "ops@example.org, techops@example.org, Mira <mira@example.org>, ana@example.org"
    inbound = read(mail(Cc=cc + ", lee@example.org"), mail_flow)
    assert inbound.draft["cc"] == ["lee@example.org"]


def test_a_bad_cc_address_is_dropped_not_the_mail_and_at_most_five_are_kept(mail_flow):
    many = ", ".join(f"p{i}@example.org" for i in range(MAX_CC + 3))
    inbound = read(mail(Cc=f"zoë@example.org, nobody@localhost, {many}"), mail_flow)
    assert inbound.draft["cc"] == [f"p{i}@example.org" for i in range(MAX_CC)]
    assert_files_a_valid_draft(inbound, mail_flow)


def test_a_mail_without_cc_drafts_no_cc_and_to_copies_nobody(mail_flow):
    inbound = read(mail(), mail_flow)
    assert "cc" not in inbound.draft


def test_a_reply_copies_nobody(mail_flow):
    inbound = read(mail(subject="Re: [TechOps #12] Disk full", Cc="lee@example.org"), mail_flow)
    assert inbound.ticket == 12 and inbound.draft is None
