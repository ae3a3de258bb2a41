"""The requester's pages say what was promised and what is true: the SLA targets of the
ticket's type, the owner by name, times on the team's clock with the zone named, no expected
date once the work is done, and the confirm button on the status link's page as on /me."""

from __future__ import annotations

from services.domain.lifecycle import Status
from services.domain.tokens import status_token
from tests.integration.console_helpers import act_as
from tests.integration.self_service.self_service_helpers import file, sign_in


def status_page(client, container, number: int) -> tuple[str, str]:
    ticket = container.tickets.get(number)
    token = status_token(container.settings.secret_key, number, ticket.token_salt)
    return client.get(f"/tickets/{number}?token={token}").text, token


def owned_by_priya(container) -> int:
    number = file(container, title="Rotate the backup keys")  # triage gives it to priya
    assert container.tickets.get(number).owner == "priya"
    act_as(container, "priya", number, "start")
    act_as(container, "priya", number, "update", {"message": "Ordered", "eta": "2026-12-20"})
    return number


def test_an_open_ticket_shows_its_owner_by_name_its_promise_and_team_times(client, container):
    number = owned_by_priya(container)
    page, _ = status_page(client, container, number)
    priya = container.flow.member("priya").name
    assert f"Owner: {priya} · expected by 2026-12-20" in page
    assert "Owner: priya" not in page  # the history's line names her too
    assert "What the team promises for general tickets" in page
    assert "a first answer within 8 hours; resolved within 10 working days" in page
    assert "2026-11-27 10:30 CET" in page  # filed 09:30 UTC, shown on the team's clock
    assert " UTC<" not in page and "UTC</time>" not in page


def test_a_resolved_ticket_drops_its_expected_date_and_offers_confirming(client, container):
    number = owned_by_priya(container)
    act_as(container, "priya", number, "resolve", {"checked": [0, 1], "summary": "Done."})
    page, token = status_page(client, container, number)
    assert "expected by" not in page
    assert "What the team promises" not in page  # kept, and no longer pending
    assert f'action="/tickets/{number}/confirm?token={token}"' in page
    assert "Confirm: it is done" in page

    confirmed = client.post(f"/tickets/{number}/confirm?token={token}")
    assert confirmed.status_code == 303
    assert container.tickets.get(number).status is Status.CLOSED
    assert "Thank you: the ticket is closed." in client.get(confirmed.location).text


def test_the_me_page_says_the_same(client, container):
    number = owned_by_priya(container)
    sign_in(client, container)
    page = client.get(f"/me/tickets/{number}").text
    assert f"Owner: {container.flow.member('priya').name}" in page
    assert "2026-11-27 10:30 CET" in page


def test_a_time_entered_on_the_team_clock_reads_back_on_it_in_mail_and_page(client, container):
    number = owned_by_priya(container)
    # 09:00 in Amsterdam in February is 08:00 UTC: nobody should read "08:00 UTC" back.
    act_as(
        container,
        "priya",
        number,
        "postpone",
        {"until": "2027-02-03T08:00:00+00:00", "reason": "Vendor", "public": True},
    )
    page, _ = status_page(client, container, number)
    assert "Postponed until <time" in page and "2027-02-03 09:00 CET</time>" in page
    assert "08:00 UTC" not in page  # the history's line too


def test_the_public_queue_names_owners_by_name(client, container):
    owned_by_priya(container)
    page = client.get("/queue").text
    assert f"<td>{container.flow.member('priya').name}</td>" in page
    assert "<td>priya</td>" not in page
