"""The MailLedger's contract, the same cases on the fake, on DynamoDB and on SQLite: one mail
per event and recipient, whatever the case of the address, until a failed send releases it.
The claim is the record: nothing else is written for a mail that went out."""

from __future__ import annotations


def test_the_mail_ledger_claims_once_until_released(ledger, tag):
    event_id = f"ev1-{tag}"
    assert ledger.claim(1, event_id, "Ana@example.org")
    assert not ledger.claim(1, event_id, "ana@example.org")
    assert ledger.claim(1, event_id, "team@example.org")
    ledger.release(1, event_id, "ana@example.org")
    assert ledger.claim(1, event_id, "ana@example.org")
    assert not ledger.claim(1, event_id, "ana@example.org")


def test_claims_are_per_event_and_per_ticket(ledger, tag):
    assert ledger.claim(1, f"a-{tag}", "ana@example.org")
    assert ledger.claim(1, f"b-{tag}", "ana@example.org")
    assert ledger.claim(2, f"a-{tag}", "ana@example.org")


def test_a_claim_kept_after_sending_holds_for_good(ledger, tag):
    event_id = f"sent-{tag}"
    assert ledger.claim(3, event_id, "ana@example.org")
    for _ in range(3):  # every redelivery of the event finds the mail recorded
        assert not ledger.claim(3, event_id, "Ana@example.org")


def test_releasing_what_was_never_claimed_changes_nothing(ledger, tag):
    event_id = f"none-{tag}"
    ledger.release(4, event_id, "ana@example.org")
    assert ledger.claim(4, event_id, "ana@example.org")
