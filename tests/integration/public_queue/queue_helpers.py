"""Tickets filed into the public queue, some private, and reading its answers: what the public
queue tests build on."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from tests.conftest import valid_ticket

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET_TITLE = "Quietly replace the payroll server"
XSS = "<script>alert('queue')</script> & <b>bold</b>"
REQUESTER = {"name": "Ana Souza", "email": "ana.requester@example.org"}


def file(container, **overrides):
    body = valid_ticket(requester=REQUESTER, **overrides)
    return file_ticket(
        body,
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    ).ticket


def set_fields(repo, number: int, **fields) -> None:
    """Put a stored ticket in a state (the fake's store, as if actions had run)."""
    for name, value in fields.items():
        setattr(repo.tickets[number], name, value)


def atom(response) -> ET.Element:
    # The app's own answer, not untrusted input; the brief asks for the stdlib parser.
    return ET.fromstring(response.data)  # noqa: S314


def texts_of_private(body: str) -> list[str]:
    return [t for t in (SECRET_TITLE, "Root on the payroll db", "payroll") if t in body]
