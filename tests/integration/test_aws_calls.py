"""What filing costs in AWS calls: no Scan, one counter update, exactly one transaction."""

from __future__ import annotations

from collections import Counter

import botocore.client

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from tests.conftest import valid_ticket


def test_filing_issues_one_counter_update_and_one_transaction(container, monkeypatch):
    container.tickets  # noqa: B018 - build the adapters before counting
    calls: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        calls[operation] += 1
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    file_ticket(
        valid_ticket(),
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    )
    assert calls == Counter({"UpdateItem": 1, "TransactWriteItems": 1})
