"""The public queue's words (q): the number and title of public tickets only. A private
ticket never matches, not even in a count, and nothing the public queue does not show (the
requirements, the requester, any note) is searched."""

from __future__ import annotations

from tests.integration.console_helpers import act_as, file

SECRET = "Quietly replace the payroll server"


def public(client, **params) -> dict:
    response = client.get("/api/v1/queue", query_string=params)
    assert response.status_code == 200, response.text
    return response.json


def numbers(body: dict) -> list[int]:
    return [t["number"] for t in body["tickets"]]


def test_words_find_public_tickets_by_title_and_number(client, container):
    server = file(container, title="Replace the build server", triaged=False)
    disk = file(container, title="Replace a disk", triaged=False)
    assert numbers(public(client, q="replace")) == [disk, server]
    assert numbers(public(client, q="REPLACE server")) == [server]
    assert numbers(public(client, q=f"#{disk}")) == [disk]
    assert numbers(public(client, q="replace", sort="oldest")) == [server, disk]
    body = public(client, q="replace")
    assert body["total"] is None and body["pages"] is None and body["page"] is None
    assert body["filters"]["q"] == "replace" and body["filters"]["sort"] == "newest"


def test_a_private_ticket_never_matches_not_even_in_a_count(client, container):
    file(container, title=SECRET, private=True, triaged=False)
    shown = file(container, title="Replace the payroll printer", triaged=False)
    body = public(client, q="payroll")
    assert numbers(body) == [shown]
    assert body["total"] is None and body["next"] is None
    assert "server" not in str(body) and "Quietly" not in str(body)
    assert numbers(public(client, q="quietly")) == []
    page = client.get("/queue?q=quietly").text
    assert "Quietly" not in page and "No public ticket matches." in page


def test_what_the_public_queue_does_not_show_is_not_searched(client, container):
    n = file(
        container,
        title="Rack space",
        requirements="Two units near the hypervisor cluster.",
        requester={"name": "Lee Park", "email": "lee@example.org"},
        triaged=False,
    )
    act_as(container, "mira", n, "comment", {"message": "budget approved", "public": False})
    act_as(container, "mira", n, "comment", {"message": "arriving friday", "public": True})
    for hidden in ("hypervisor", "lee", "park", "example", "budget", "friday"):
        assert numbers(public(client, q=hidden)) == [], hidden
    assert numbers(public(client, q="rack")) == [n]


def test_a_ticket_made_private_leaves_the_search_at_once(client, container):
    n = file(container, title="Badge reader", triaged=False)
    assert numbers(public(client, q="badge")) == [n]
    act_as(container, "mira", n, "edit", {"private": True, "reason": "Names a person"})
    assert numbers(public(client, q="badge")) == []


def test_the_search_pages_by_its_next_link_and_keeps_the_words(client, container):
    made = [file(container, title="Toner", triaged=False) for _ in range(3)]
    first = public(client, q="toner", per_page=2)
    assert numbers(first) == made[:0:-1]
    assert "q=toner" in first["next"] and "after=" in first["next"]
    rest = client.get(first["next"].removeprefix("http://rt.example.org")).json
    assert numbers(rest) == made[:1] and rest["next"] is None


def test_refusals_name_the_field(client, container):
    for params, field in (
        ({"q": "toner", "page": "2"}, "page"),
        ({"q": "toner", "sort": "status"}, "sort"),
        ({"q": "toner", "after": "<bad>"}, "after"),
        ({"q": "toner", "after": "bmV3ZXN0fHwx", "sort": "oldest"}, "after"),
        ({"q": "a b c d e f g h i"}, "q"),
    ):
        response = client.get("/api/v1/queue", query_string=params)
        assert response.status_code == 400, params
        assert set(response.json["errors"]) == {field}, params
    page = client.get("/queue?q=a+b+c+d+e+f+g+h+i")
    assert page.status_code == 400 and 'href="#f-q"' in page.text


def test_the_page_has_a_labelled_search_box(client, container):
    file(container, title="Projector bulb", triaged=False)
    page = client.get("/queue?q=projector").text
    assert '<label for="f-q">' in page and 'value="projector"' in page
    assert "matching “projector”" in page and "Projector bulb" in page
