"""The requester's forms say their limits and hold to them (maxlength), and the add-information
form starts empty where triage refused a placeholder, instead of offering it back."""

from __future__ import annotations

import re

from services.domain.tokens import status_token
from tests.integration.self_service.self_service_helpers import file, resolved


def token_of(container, number: int) -> str:
    ticket = container.tickets.get(number)
    return status_token(container.settings.secret_key, number, ticket.token_salt)


def textareas(page: str) -> list[str]:
    return re.findall(r"<textarea[^>]*>", page)


def test_every_textarea_of_the_new_ticket_form_carries_and_says_its_limit(client):
    page = client.get("/tickets/new").text
    assert textareas(page)
    assert all('maxlength="10000"' in t for t in textareas(page)), textareas(page)
    assert page.count("At most 10,000 characters.") == len(textareas(page))
    assert 'maxlength="200"' in page and "At most 200 characters." in page  # the title


def test_the_add_information_form_is_not_filled_with_the_placeholder_it_refused(client, container):
    number = file(container, complete=False, end_state="tbd", title="Add a replica")
    assert "end_state" in container.tickets.get(number).missing
    page = client.get(f"/tickets/{number}/info?token={token_of(container, number)}").text
    [end_state] = re.findall(r'<textarea id="end_state"[^>]*>([^<]*)</textarea>', page)
    assert end_state == ""
    assert all('maxlength="10000"' in t for t in textareas(page))
    assert "At most 10,000 characters." in page


def test_the_status_pages_forms_carry_their_limit(client, container):
    number = resolved(container)
    page = client.get(f"/tickets/{number}?token={token_of(container, number)}").text
    assert textareas(page) and all('maxlength="10000"' in t for t in textareas(page))
