"""Ticket numbers in paths: a whole number of at most ten digits (the stores' keys hold no
more: `sort_at` writes ten, SQLite's integers stop at 2**63). A larger one is a ticket that
does not exist, answered 404 like any other, before a store is asked about it."""

from __future__ import annotations

from typing import Any

from flask import Flask

from services.domain.errors import TicketNotFound

NUMBER_MAX = 10**10 - 1


def register(app: Flask) -> None:
    @app.url_value_preprocessor
    def numbers_in_range(endpoint: str | None, values: dict[str, Any] | None) -> None:
        number = (values or {}).get("number")
        if isinstance(number, int) and number > NUMBER_MAX:
            raise TicketNotFound(number)
