"""A requester acts on their ticket through the pages: adding the missing information, replying,
confirming a resolution and reopening; refusals shown on the page."""

from __future__ import annotations

from datetime import timedelta

from services.domain.lifecycle import Status
from tests.fakes import FakeRequesterLinks
from tests.integration.self_service.self_service_helpers import (
    ANA,
    XSS,
    ask_for_link,
    file,
    post,
    resolved,
    sign_in,
)

# -- acting on a ticket --------------------------------------------------------------------


def test_adding_the_missing_information(client, container):
    number = file(container, complete=False, title="Add a replica")
    assert container.tickets.get(number).status is Status.NEEDS_INFO
    sign_in(client, container)
    page = client.get(f"/me/tickets/{number}").text
    assert "The team needs more" in page
    assert 'name="end_state"' in page and 'name="acceptance_criteria"' in page

    refused = post(client, f"/me/tickets/{number}/add-info", end_state="", acceptance_criteria="")
    assert refused.status_code == 422
    assert 'id="end_state-error"' in refused.text
    assert container.tickets.get(number).status is Status.NEEDS_INFO

    response = post(
        client,
        f"/me/tickets/{number}/add-info",
        end_state="Analysts query the replica, not production.",
        acceptance_criteria="Replica lag under 60 s\nAnalysts can log in",
    )
    assert response.status_code == 303
    after = client.get(f"/me/tickets/{number}").text
    assert "the team has your additions" in after
    ticket = container.tickets.get(number)
    assert ticket.status is Status.NEW
    assert ticket.acceptance_criteria == ["Replica lag under 60 s", "Analysts can log in"]
    assert container.tickets.history(number)[-1].actor == f"requester:{ANA}"


def test_replying_to_the_team(client, container):
    number = file(container)
    sign_in(client, container)
    blank = post(client, f"/me/tickets/{number}/reply", message="   ")
    assert blank.status_code == 422 and 'id="message-error"' in blank.text
    response = post(client, f"/me/tickets/{number}/reply", message=f"Any news? {XSS}")
    assert response.status_code == 303
    page = client.get(f"/me/tickets/{number}").text
    assert "Sent: the team has your message." in page
    assert "Any news? &lt;script&gt;" in page and XSS not in page
    last = container.tickets.history(number)[-1]
    assert (last.kind, last.actor, last.data["message"]) == (
        "ticket.replied",
        f"requester:{ANA}",
        f"Any news? {XSS}",
    )


def test_confirming_a_resolution_closes_the_ticket(client, container):
    number = resolved(container)
    sign_in(client, container)
    page = client.get(f"/me/tickets/{number}").text
    assert "Is it done?" in page and f'action="/me/tickets/{number}/confirm"' in page
    assert f'action="/me/tickets/{number}/reopen"' in page
    response = post(client, f"/me/tickets/{number}/confirm")
    assert response.status_code == 303
    assert container.tickets.get(number).status is Status.CLOSED
    assert container.tickets.history(number)[-1].kind == "ticket.confirmed"
    assert "Confirmed" in client.get(f"/me/tickets/{number}").text

    # Confirmed already: a second confirm is refused by the domain, on the page, not a 500.
    again = post(client, f"/me/tickets/{number}/confirm")
    assert again.status_code == 409 and "cannot" in again.text


def test_confirming_an_open_ticket_is_refused_on_the_page(client, container):
    number = file(container)
    status = container.tickets.get(number).status
    sign_in(client, container)
    response = post(client, f"/me/tickets/{number}/confirm")
    assert response.status_code == 409
    assert 'role="alert"' in response.text
    assert container.tickets.get(number).status is status


def test_reopening_a_resolved_ticket(client, container):
    number = resolved(container)
    sign_in(client, container)
    blank = post(client, f"/me/tickets/{number}/reopen", reason="")
    assert blank.status_code == 422 and 'id="reason-error"' in blank.text
    response = post(client, f"/me/tickets/{number}/reopen", reason="The old key still works.")
    assert response.status_code == 303
    ticket = container.tickets.get(number)  # back with its last owner, who has room
    assert (ticket.status, ticket.owner) == (Status.ASSIGNED, "priya")
    assert "Reopened" in client.get(f"/me/tickets/{number}").text


def test_the_status_link_api_may_confirm_too(app, container):
    number = resolved(container)
    ticket = container.tickets.get(number)
    from services.domain.tokens import status_token

    token = status_token(container.settings.secret_key, number, ticket.token_salt)
    response = app.test_client().post(f"/api/v1/tickets/{number}/confirm?token={token}")
    assert response.status_code == 200, response.text
    assert response.json["status"] == "closed"


def test_a_session_from_before_the_clock_moved_back_is_refused(client, container):
    sign_in(client, container)
    container.clock.current -= timedelta(hours=1)
    assert client.get("/me/").status_code == 303


def test_an_address_that_asked_too_often_gets_the_same_page_and_no_mail(client, container):
    container.__dict__["requester_links"] = FakeRequesterLinks(per_address=1)
    first = ask_for_link(client, ANA)
    again = ask_for_link(client, ANA)
    assert first.status_code == again.status_code == 200
    assert first.text == again.text  # nothing tells the limit from a sent mail
    assert len(container.mailer.outbox) == 1
