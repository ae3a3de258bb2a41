"""Requesters' tickets filed, triaged and resolved, and a requester signed in by a mailed link:
what the self-service tests build on."""

from __future__ import annotations

import re

from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.triage import TriageDeps, triage
from tests.conftest import valid_ticket
from tests.integration.console_helpers import act_as, csrf_from

ANA = "ana@example.org"
BOB = "bob@example.org"
XSS = "<script>evil()</script>"


def file(container, email: str = ANA, *, complete: bool = True, **overrides) -> int:
    data = valid_ticket(requester={"name": email.split("@")[0].title(), "email": email})
    if not complete:
        data = {k: v for k, v in data.items() if k not in ("end_state", "acceptance_criteria")}
    filed = file_ticket(
        data | overrides,
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api" if complete else "email",
        require_complete=complete,
    )
    triage(filed.ticket.number, TriageDeps(container.tickets, container.flow, container.clock))
    return filed.ticket.number


def resolved(container, email: str = ANA) -> int:
    number = file(container, email, title="Rotate the backup keys")
    if container.tickets.get(number).owner is None:
        act_as(container, "mira", number, "assign", {"owner": "priya"})
    act_as(container, "priya", number, "start")
    act_as(container, "priya", number, "resolve", {"checked": [0, 1], "summary": "Done."})
    return number


def ask_for_link(client, email: str):
    page = client.get("/me/sign-in").text
    return client.post("/me/sign-in", data={"csrf_token": csrf_from(page), "email": email})


def link_in(mail) -> str:
    return re.search(r"http://rt\.example\.org(/me/link\?token=\S+)", mail.text).group(1)


def redeem(client, path: str):
    page = client.get(path)
    assert page.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    return client.post("/me/link", data={"csrf_token": csrf_from(page.text), "token": token})


def sign_in(client, container, email: str = ANA):
    assert ask_for_link(client, email).status_code == 200
    response = redeem(client, link_in(container.mailer.to(email)[-1]))
    assert response.status_code == 303, response.text
    return client


def post(client, path: str, **fields):
    page = client.get(path.rsplit("/", 1)[0]).text
    return client.post(path, data={"csrf_token": csrf_from(page), **fields})
