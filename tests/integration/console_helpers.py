"""Signing in to the staff console, filing and acting on tickets, and reading its pages: what
the console tests build on."""

from __future__ import annotations

import re

from services.application import actions
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.triage import TriageDeps, triage
from services.domain.actors import Actor
from tests.conftest import valid_ticket

# Words that match no skill in the example flow: triage leaves the ticket unowned.
UNOWNED = {
    "title": "Move the office plants",
    "requirements": "Please move the office plants to the kitchen on the third floor.",
}
# DNS words: Mira is the one obvious owner.
FOR_MIRA = {
    "title": "Add a DNS record for the new wiki",
    "requirements": "Create a CNAME record pointing wiki-new at the load balancer.",
}
XSS = "<script>evil()</script>"  # no skill words: routing stays as for the plain text


def issue(container, member: str) -> str:
    return container.staff_tokens.issue(member)


def csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, token: str, next_path: str | None = None):
    page = client.get("/staff/login").text
    data = {"csrf_token": csrf_from(page), "token": token}
    if next_path:
        data["next"] = next_path
    return client.post("/staff/login", data=data)


def post_action(client, number: int, action: str, **fields):
    page = client.get(f"/staff/tickets/{number}").text
    return client.post(
        f"/staff/tickets/{number}/{action}", data={"csrf_token": csrf_from(page), **fields}
    )


def file(container, *, triaged: bool = True, **overrides) -> int:
    filed = file_ticket(
        valid_ticket(**overrides),
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    )
    if triaged:
        triage(filed.ticket.number, TriageDeps(container.tickets, container.flow, container.clock))
    return filed.ticket.number


def act_as(container, member: str, number: int, action: str, body: dict | None = None):
    deps = TicketDeps(
        tickets=container.tickets,
        flow=container.flow,
        clock=container.clock,
        secret_key=container.settings.secret_key,
    )
    actor = Actor.staff(container.flow.member(member))
    return actions.perform(number, action, body or {}, actor, deps)


def section(page: str, labelled_by: str) -> str:
    start = page.index(f'<section aria-labelledby="{labelled_by}"')
    return page[start : page.index("</section>", start)]


def listed(part: str, number: int) -> bool:
    return f">#{number}</a>" in part
