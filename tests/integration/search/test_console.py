"""The console's search: a GET form with the API's filters, finished tickets reachable, links
that keep the view (a saved view is its URL), the view as CSV, and refusals in words."""

from __future__ import annotations

import re
from html import unescape

from tests.integration.console_helpers import act_as, file

XSS = "<script>alert('find')</script>"


def numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/staff/tickets/(\d+)"', page)]


def test_the_page_needs_a_signed_in_member(client):
    response = client.get("/staff/tickets?q=tape")
    assert response.status_code in (302, 303)
    assert "/staff/login" in response.headers["Location"]
    assert client.get("/staff/tickets.csv").status_code in (302, 303)


def test_the_form_is_labelled_and_keeps_what_was_asked(mira, container):
    page = mira.get("/staff/tickets?q=tape&status=finished&sort=oldest").text
    for field in ("q", "status", "type", "owner", "requester", "sort", "per_page"):
        assert re.search(rf'<label for="f-{field}">', page), field
        assert f'id="f-{field}" name="{field}"' in page
    assert 'value="tape"' in page
    assert '<option value="finished" selected>' in page
    assert '<option value="oldest" selected>' in page
    assert 'role="search"' in page and 'method="get"' in page


def test_finished_tickets_are_found_and_the_filters_narrow(mira, container):
    done = file(container, title="Certificate rotation", triaged=False)
    act_as(container, "mira", done, "reject", {"reason": "Done elsewhere"})
    still = file(container, title="Certificate renewal", triaged=False)
    assert numbers(mira.get("/staff/tickets?q=certificate").text) == [still, done]
    assert numbers(mira.get("/staff/tickets?q=certificate&status=finished").text) == [done]
    assert numbers(mira.get("/staff/tickets?status=open").text) == [still]


def test_the_csv_link_downloads_the_view_from_its_first_ticket(mira, container):
    made = [file(container, title=f"Patch panel {i}", triaged=False) for i in range(3)]
    done = file(container, title="Patch cord", triaged=False)
    act_as(container, "mira", done, "reject", {"reason": "Not needed"})
    page = mira.get("/staff/tickets?q=patch&sort=oldest&status=open&per_page=25").text
    assert numbers(page) == made
    csv_link = unescape(re.search(r'<a href="([^"]+)" type="text/csv"', page).group(1))
    assert csv_link.startswith("/staff/tickets.csv?")
    assert "q=patch" in csv_link and "status=open" in csv_link and "sort=oldest" in csv_link
    assert "per_page" not in csv_link  # the whole view, not this page
    download = mira.get(csv_link)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert [int(line.split(",")[0]) for line in download.text.splitlines()[1:]] == made


def test_paging_by_the_next_link(mira, container):
    made = [file(container, title="Fibre", triaged=False) for _ in range(27)]
    page = mira.get("/staff/tickets?q=fibre&per_page=25").text
    assert numbers(page) == made[:1:-1]
    following = unescape(re.search(r'<a href="([^"]+)" rel="next">Next 25 tickets', page).group(1))
    assert "q=fibre" in following and "cursor=" in following
    rest = mira.get(following).text
    assert numbers(rest) == made[1::-1]
    assert 'rel="next"' not in rest and ">First page</a>" in rest


def test_a_bad_filter_is_named_on_the_page(mira):
    response = mira.get("/staff/tickets?status=sleeping&owner=nobody")
    assert response.status_code == 400
    assert 'href="#f-status"' in response.text and 'href="#f-owner"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_titles_and_words_are_escaped(mira, container):
    n = file(container, title=f"{XSS} breaker", triaged=False)
    page = mira.get("/staff/tickets", query_string={"q": f"{XSS} breaker"}).text
    assert numbers(page) == [n]
    assert XSS not in page and "&lt;script&gt;" in page


def test_the_queue_and_the_menu_lead_to_the_search(mira):
    queue = mira.get("/staff/").text
    assert 'action="/staff/tickets"' in queue and '<label for="queue-q">' in queue
    assert '<a href="/staff/tickets"' in queue
