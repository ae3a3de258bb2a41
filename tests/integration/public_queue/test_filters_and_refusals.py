"""The public queue's filters, sorting and pages, and its refusals: bad filters are 400s with a
message by the field, never 500s."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from services.domain.lifecycle import Status
from tests.integration.public_queue.queue_helpers import file, set_fields

# -- filters, sorting, pages -----------------------------------------------------------------


def test_filters_by_type_and_status(client, tickets):
    def shown(query):
        return [t["number"] for t in client.get(f"/api/v1/queue?{query}").get_json()["tickets"]]

    assert shown("type=database") == [tickets["db"]]
    assert shown("status=closed") == [tickets["done"]]
    assert shown("status=new&sort=newest") == [tickets["plants"], tickets["xss"]]
    assert shown("sort=status") == [tickets["xss"], tickets["plants"], tickets["db"]]


def test_page_links_keep_the_filters(client, container):
    for i in range(5):
        file(container, title=f"Ticket {i}")
    page = client.get("/queue?type=general&per_page=2&sort=newest").text
    link = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', page).group(1)
    assert parse_qs(urlsplit(link.replace("&amp;", "&")).query) == {
        "type": ["general"],
        "sort": ["newest"],
        "per_page": ["2"],
        "page": ["2"],
    }
    api = client.get("/api/v1/queue?type=general&per_page=2").get_json()
    assert (api["page"], api["pages"], api["total"]) == (1, 3, 5)
    assert api["previous"] is None
    assert api["next"] == "http://rt.example.org/api/v1/queue?type=general&per_page=2&page=2"
    last = client.get("/api/v1/queue?type=general&per_page=2&page=3").get_json()
    assert len(last["tickets"]) == 1 and last["next"] is None and last["previous"]


def test_finished_tickets_page_with_the_next_link(client, container, repo):
    numbers = [file(container, title=f"Done {i}").number for i in range(5)]
    for n in numbers:
        set_fields(repo, n, status=Status.RESOLVED)
    seen, url = [], "/api/v1/queue?status=resolved&per_page=2"
    while url:
        body = client.get(url.removeprefix("http://rt.example.org")).get_json()
        assert body["page"] is None and body["total"] is None
        seen += [t["number"] for t in body["tickets"]]
        url = body["next"]
    assert seen == numbers[::-1]  # newest first, each once
    page = client.get("/queue?status=resolved&per_page=2").text
    assert 'rel="next">Older tickets</a>' in page


# -- refusals ------------------------------------------------------------------------------


def test_bad_filters_are_400_with_a_message_per_field(client, tickets):
    r = client.get("/api/v1/queue?status=lost&type=nope&owner=mallory&page=0&per_page=1000")
    assert r.status_code == 400
    body = r.get_json()
    assert body["error"] == "invalid query"
    assert set(body["errors"]) == {"status", "type", "owner", "page", "per_page"}
    assert r.headers["Cache-Control"] == "no-store"


def test_the_page_shows_a_bad_filter_next_to_the_form(client, tickets):
    r = client.get("/queue?type=<b>nope</b>&page=abc")
    assert r.status_code == 400
    page = r.text
    assert (
        '<select id="f-type" name="type" aria-describedby="f-type-error" aria-invalid="true">'
        in page
    )
    assert re.search(
        r'<p class="error" id="f-type-error"><strong>Error:</strong> unknown ticket type', page
    )
    assert "&lt;b&gt;nope&lt;/b&gt;" in page and "<b>nope</b>" not in page
    assert "page: a whole number from 1" in page
    assert 'role="alert"' in page
    assert "<table" not in page  # no results under a bad filter


@pytest.mark.parametrize(
    "query",
    ["status=closed&sort=updated", "status=closed&page=2", "after=x", "status=closed&after=zz"],
)
def test_combinations_that_cannot_be_served_are_400_not_500(client, tickets, query):
    assert client.get(f"/api/v1/queue?{query}").status_code == 400
    assert client.get(f"/queue?{query}").status_code == 400


def test_a_bad_feed_query_is_a_400(client):
    assert client.get("/queue.atom?type=nope").status_code == 400
