"""/queue, /api/v1/queue and /queue.atom through the Flask app: private tickets never appear
(not their titles, not in a count), and what a row shows, its user text escaped."""

from __future__ import annotations

import re

import pytest

from tests.integration.public_queue.queue_helpers import (
    ATOM,
    REQUESTER,
    XSS,
    atom,
    file,
    set_fields,
    texts_of_private,
)

# -- privacy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/queue",
        "/queue?owner=priya",
        "/queue?status=in-progress",
        "/queue?sort=updated&per_page=100",
        "/queue?type=access",
        "/queue.atom",
        "/queue.atom?owner=priya",
        "/api/v1/queue",
        "/api/v1/queue?owner=priya",
        "/api/v1/queue?type=access",
    ],
)
def test_private_tickets_never_appear(client, tickets, path):
    body = client.get(path).text
    assert texts_of_private(body) == []
    # Nor does any requester: not the address, not the name.
    assert REQUESTER["email"] not in body and REQUESTER["name"] not in body


def test_private_tickets_are_not_counted(client, tickets):
    body = client.get("/api/v1/queue").get_json()
    assert body["total"] == 3  # xss, db, plants: the open public ones
    assert [t["number"] for t in body["tickets"]] == [
        tickets["xss"],
        tickets["db"],
        tickets["plants"],
    ]
    priya = client.get("/api/v1/queue?owner=priya").get_json()
    assert priya["total"] == 1
    assert "3 tickets" in client.get("/queue").text


def test_a_private_ticket_by_number_looks_like_no_ticket(client, tickets):
    secret = client.get(f"/queue?ticket={tickets['secret']}")
    missing = client.get("/queue?ticket=9999")
    assert secret.status_code == missing.status_code == 200
    assert f"No public ticket #{tickets['secret']}." in secret.text
    n = tickets["secret"]
    assert secret.text.replace(f"#{n}", "#N") == missing.text.replace("#9999", "#N")
    api = client.get(f"/api/v1/queue?ticket={tickets['secret']}").get_json()
    assert api["tickets"] == [] and api["total"] == 0


def test_one_public_ticket_by_number_whatever_its_status(client, tickets):
    body = client.get(f"/api/v1/queue?ticket={tickets['done']}").get_json()
    assert [t["status"] for t in body["tickets"]] == ["closed"]
    assert body["filters"]["status"] is None


# -- what a row shows ------------------------------------------------------------------------


def test_a_row_has_number_title_type_status_owner_by_name_age_eta_and_last_update(
    client, tickets, clock
):
    clock.advance(days=3)
    (row,) = client.get("/api/v1/queue?owner=priya").get_json()["tickets"]
    assert row["number"] == tickets["db"]
    assert (row["type"], row["type_label"], row["status"]) == (
        "database",
        "Database request",
        "in-progress",
    )
    assert (row["owner"], row["owner_id"]) == ("Priya Raman", "priya")
    assert row["age_days"] == 3 and row["eta"] == "2027-01-08"
    assert row["last_update"] == "Filed" and row["last_update_at"]
    assert (
        row["url"] == f"http://rt.example.org/queue?ticket={tickets['db']}#ticket-{tickets['db']}"
    )
    page = client.get("/queue?owner=priya").text
    assert "Priya Raman" in page and "priya@example.org" not in page
    assert re.search(r'<tr id="ticket-\d+">', page)


def test_user_text_is_escaped_in_the_page_the_json_and_the_feed(client, tickets):
    page = client.get("/queue").text
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert (
        "&lt;script&gt;alert(&#39;queue&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    )
    titles = [t["title"] for t in client.get("/api/v1/queue").get_json()["tickets"]]
    assert XSS in titles
    feed = atom(client.get("/queue.atom"))
    assert f"#{tickets['xss']} {XSS}" in [
        e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")
    ]


def test_characters_xml_cannot_carry_are_dropped_from_the_feed(client, container, repo):
    # Intake refuses control characters; a ticket stored before that rule, or by another
    # writer, must still not break the feed.
    number = file(container, title="Bell and formfeed").number
    set_fields(repo, number, title="Bell\x07 and form\x0cfeed")
    feed = atom(client.get("/queue.atom"))  # parses: nothing illegal left
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == f"#{number} Bell and formfeed"
