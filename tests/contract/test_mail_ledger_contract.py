"""The MailLedger's contract, the same cases on the fake, on DynamoDB and on SQLite: one mail
per event and recipient, whatever the case of the address, until a failed send releases it."""

from __future__ import annotations

import contextlib

from pynamodb.exceptions import DeleteError


def test_the_mail_ledger_claims_once_until_released(ledger, tag):
    event_id = f"ev1-{tag}"
    assert ledger.claim(1, event_id, "Ana@example.org")
    assert not ledger.claim(1, event_id, "ana@example.org")
    assert ledger.claim(1, event_id, "team@example.org")
    ledger.release(1, event_id, "ana@example.org")
    assert ledger.claim(1, event_id, "ana@example.org")
    ledger.mark_sent(1, event_id, "ana@example.org", "m-1")
    assert not ledger.claim(1, event_id, "ana@example.org")


def test_claims_are_per_event_and_per_ticket(ledger, tag):
    assert ledger.claim(1, f"a-{tag}", "ana@example.org")
    assert ledger.claim(1, f"b-{tag}", "ana@example.org")
    assert ledger.claim(2, f"a-{tag}", "ana@example.org")


def test_a_sent_mail_is_never_released(ledger, tag):
    event_id = f"sent-{tag}"
    ledger.claim(3, event_id, "ana@example.org")
    ledger.mark_sent(3, event_id, "Ana@example.org", "m-2")
    with contextlib.suppress(DeleteError):  # the table refuses; the fake ignores it
        ledger.release(3, event_id, "ana@example.org")
    assert not ledger.claim(3, event_id, "ana@example.org")
