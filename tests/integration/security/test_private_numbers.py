"""Private ticket numbers are not discoverable (issue 18, item 9): the public queue and the
status API answer the same, after the same work, for a private ticket and for none."""

from __future__ import annotations

import pytest

from services.adapters.sqlite import codecs
from services.intake import decoy
from tests.integration.security.queue_helpers import file

MISSING = 4242


@pytest.fixture
def decodes(monkeypatch):
    """How many tickets were decoded, by the store or as a decoy."""
    count = {"n": 0}

    def counting(original):
        def decode(*args, **kwargs):
            count["n"] += 1
            return original(*args, **kwargs)

        return decode

    monkeypatch.setattr(codecs, "ticket_from_document", counting(codecs.ticket_from_document))
    monkeypatch.setattr(decoy, "ticket_from_document", counting(decoy.ticket_from_document))
    return count


def work(decodes, read) -> tuple[int, object]:
    before = decodes["n"]
    answer = read()
    return decodes["n"] - before, answer


def test_the_queue_answers_a_private_ticket_as_it_answers_none(client, decodes):
    file(client, title="Public, read once so the process has seen a ticket")
    private = file(client, title="Payroll", private=True)

    def page(number):
        r = client.get(f"/api/v1/queue?ticket={number}")
        body = r.get_json()
        body["filters"]["ticket"] = body["first"] = None  # the number asked for, echoed
        return r.status_code, body

    private_work, private_answer = work(decodes, lambda: page(private))
    missing_work, missing_answer = work(decodes, lambda: page(MISSING))

    assert private_answer == missing_answer
    assert private_answer[1]["tickets"] == []
    assert private_work == missing_work == 1


def test_the_status_api_answers_a_wrong_token_as_it_answers_no_ticket(client, decodes):
    private = file(client, title="Payroll", private=True)

    def status(number):
        r = client.get(
            f"/api/v1/tickets/{number}?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        )
        return r.status_code, r.get_json()

    private_work, private_answer = work(decodes, lambda: status(private))
    missing_work, missing_answer = work(decodes, lambda: status(MISSING))

    assert private_answer == missing_answer == (404, {"error": "ticket not found"})
    assert private_work == missing_work == 1
