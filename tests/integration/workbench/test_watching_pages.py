"""The requester's and the watchers' pages: CC on the filing form, the status page and /me
list them with a form to stop each (CSRF on /me), a watcher's signed link stops their mail
(a page with one button, and RFC 8058's one-click POST), and a merged ticket's page says
where the request went."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from services.application import merging
from services.domain.actors import Actor
from services.domain.watchers import unwatch_token
from tests.conftest import valid_ticket
from tests.integration.console_helpers import act_as, csrf_from, file
from tests.integration.self_service.self_service_helpers import sign_in


def mira_actor(container) -> Actor:
    return Actor.staff(container.flow.member("mira"))


def form_fields(**overrides) -> dict[str, str]:
    data = valid_ticket()
    fields = {k: v for k, v in data.items() if isinstance(v, str)}
    fields |= {
        "acceptance_criteria": "\n".join(data["acceptance_criteria"]),
        "dependencies": "\n".join(data["dependencies"]),
        "requester_name": "Ana Souza",
        "requester_email": "ana@example.org",
    }
    return fields | overrides


def status_path(response) -> str:
    return response.headers["Location"].replace("/filed", "")


def test_the_form_files_with_cc_and_the_status_page_lists_them(container, client):
    response = client.post("/tickets/new", data=form_fields(cc="lee@example.org\nKim@example.org"))
    assert response.status_code == 303, response.text
    number = int(re.search(r"/tickets/(\d+)/filed", response.headers["Location"]).group(1))
    assert container.tickets.get(number).watchers == ["lee@example.org", "kim@example.org"]
    page = client.get(status_path(response)).text
    assert "Copied on the updates" in page
    assert page.count('aria-label="Stop copying ') == 2


def test_a_bad_cc_comes_back_on_the_form_with_what_was_typed(client):
    response = client.post("/tickets/new", data=form_fields(cc="lee@example.org\nnot-an-address"))
    assert response.status_code == 422
    assert 'id="cc-error"' in response.text
    assert "not-an-address</textarea>" in response.text


def test_the_requester_drops_a_cc_from_the_status_page(container, client):
    response = client.post("/tickets/new", data=form_fields(cc="lee@example.org"))
    number = int(re.search(r"/tickets/(\d+)/filed", response.headers["Location"]).group(1))
    token = re.search(r"token=([^&]+)", response.headers["Location"]).group(1)
    dropped = client.post(
        f"/tickets/{number}/cc/drop?token={token}", data={"address": "lee@example.org"}
    )
    assert dropped.status_code == 303
    assert container.tickets.get(number).watchers == []
    assert "notice=lee@example.org+is+no+longer+copied" in dropped.headers["Location"]
    wrong = client.post(f"/tickets/{number}/cc/drop?token=nope", data={"address": "x@y.org"})
    assert wrong.status_code == 404


def test_on_me_the_requester_drops_a_cc_with_a_csrf_token(container, client):
    number = file(container, cc=["lee@example.org"])
    sign_in(client, container)
    page = client.get(f"/me/tickets/{number}").text
    assert f'action="/me/tickets/{number}/cc/drop"' in page
    forged = client.post(f"/me/tickets/{number}/cc/drop", data={"address": "lee@example.org"})
    assert forged.status_code == 400
    assert container.tickets.get(number).watchers == ["lee@example.org"]
    dropped = client.post(
        f"/me/tickets/{number}/cc/drop",
        data={"csrf_token": csrf_from(page), "address": "lee@example.org"},
    )
    assert dropped.status_code == 303
    assert container.tickets.get(number).watchers == []
    assert "lee@example.org is no longer copied" in client.get(f"/me/tickets/{number}").text


def test_someone_elses_ticket_on_me_is_not_found(container, client):
    number = file(container, requester={"name": "Bob", "email": "bob@example.org"}, cc="l@x.org")
    sign_in(client, container)
    page = client.get("/me/").text
    response = client.post(
        f"/me/tickets/{number}/cc/drop", data={"csrf_token": csrf_from(page), "address": "l@x.org"}
    )
    assert response.status_code == 404
    assert container.tickets.get(number).watchers == ["l@x.org"]


def test_a_watchers_link_opens_a_page_whose_button_stops_the_mail(container, client, mailer):
    number = file(container, cc=["lee@example.org"])
    mailer.deliver(number)
    [copied] = mailer.to("lee@example.org")
    link = re.search(r"http://rt\.example\.org(/tickets/\d+/unwatch\?\S+)", copied.text).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "Stop the mail to lee@example.org" in page.text
    assert container.tickets.get(number).watchers == ["lee@example.org"]  # opening changes nothing
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    done = client.post(action.replace("&amp;", "&"))
    assert done.status_code == 200
    assert "No more mail about ticket" in done.text
    assert container.tickets.get(number).watchers == []
    assert client.post(action.replace("&amp;", "&")).status_code == 200  # twice: still fine
    [event] = [e for e in container.tickets.history(number) if e.kind == "ticket.watchers-changed"]
    assert (event.actor, event.data["by"]) == ("watcher:lee@example.org", "unsubscribed")


def test_a_mail_clients_one_click_unsubscribe_works(container, client):
    number = file(container, cc=["lee@example.org"])
    token = unwatch_token(container.settings.secret_key, number, "lee@example.org")
    query = urlencode({"address": "lee@example.org", "token": token})
    response = client.post(
        f"/tickets/{number}/unwatch?{query}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert container.tickets.get(number).watchers == []


def test_a_link_for_another_address_or_ticket_is_not_found(container, client):
    number = file(container, cc=["lee@example.org", "kim@example.org"])
    token = unwatch_token(container.settings.secret_key, number, "lee@example.org")
    for address, n in (("kim@example.org", number), ("lee@example.org", number + 1)):
        query = urlencode({"address": address, "token": token})
        assert client.get(f"/tickets/{n}/unwatch?{query}").status_code == 404
        assert client.post(f"/tickets/{n}/unwatch?{query}").status_code == 404
    assert container.tickets.get(number).watchers == ["lee@example.org", "kim@example.org"]


def test_a_merged_tickets_status_page_says_where_it_went(container, client):
    response = client.post("/tickets/new", data=form_fields())
    number = int(re.search(r"/tickets/(\d+)/filed", response.headers["Location"]).group(1))
    target = file(container, title="<b>The replica</b>")
    act_as(container, "mira", number, "take")
    merging.merge(number, {"into": target}, mira_actor(container), container.ticket_deps)
    page = client.get(status_path(response)).text
    assert f"merged into ticket #{target}" in page
    assert "Merged into another ticket" in page
    assert "&lt;b&gt;The replica&lt;/b&gt;" in page and "<b>The replica" not in page
