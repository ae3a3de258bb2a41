"""The mail budget (services/application/mail_budget.py) on the container's home."""

from __future__ import annotations

from typing import Any

from services.domain.ports import MailBudget


def mail_budget_of(container: Any) -> MailBudget:
    if container.on_sqlite:
        from .sqlite.mail_budget import SqliteMailBudget

        return SqliteMailBudget(container.database)
    from .dynamo.mail_budget import DynamoMailBudget

    return DynamoMailBudget(container.models)
