"""Finding tickets end to end on the embedded stack, over HTTP: the staff search pages by its
cursor and gives the same list as CSV (formula-safe), and the public queue's words find a
public ticket by its title but never a private one, not even as a count."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from .support import eventually, ticket_body, unique

pytestmark = pytest.mark.e2e


def test_staff_find_every_word_page_by_cursor_and_take_the_list_as_csv(api, tickets):
    uid = unique()
    cables = tickets.file(ticket_body(uid, title=f"=HYPERLINK(1) spare cables {uid}"))
    optics = tickets.file(ticket_body(uid, title=f"Spare optics {uid}"))
    hidden = tickets.file(ticket_body(uid, title=f"Spare badge {uid}", private=True))
    url, headers = f"{api.base_url}/api/v1/tickets", api.headers("mira")

    def found(**params) -> dict:
        r = requests.get(url, params={"q": f"spare {uid}", **params}, headers=headers, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def all_indexed():  # the relay indexes the events of the embedded AWS stack in a moment
        numbers = [t["number"] for t in found()["tickets"]]
        return numbers if len(numbers) == 3 else None

    newest_first = eventually(all_indexed, timeout=20, what="the search to find three tickets")
    assert newest_first == [hidden.number, optics.number, cables.number]  # staff see private
    first = found(per_page=2, sort="oldest")
    assert [t["number"] for t in first["tickets"]] == [cables.number, optics.number]
    rest = found(per_page=2, sort="oldest", cursor=first["next"])
    assert [t["number"] for t in rest["tickets"]] == [hidden.number] and rest["next"] is None
    assert [t["number"] for t in found(q=f"optics {uid}")["tickets"]] == [optics.number]

    r = requests.get(
        url, params={"q": f"spare {uid}", "format": "csv"}, headers=headers, timeout=10
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(row["number"]) for row in rows] == newest_first
    assert rows[-1]["title"] == f"'=HYPERLINK(1) spare cables {uid}"  # never a formula

    assert requests.get(url, params={"q": uid}, timeout=10).status_code == 401
    bad = requests.get(url, params={"q": uid, "status": "sleeping"}, headers=headers, timeout=10)
    assert bad.status_code == 422 and "status" in bad.json()["errors"]


def test_the_public_queue_finds_public_tickets_by_title_and_never_a_private_one(api, tickets):
    uid = unique()
    public = tickets.triaged(ticket_body(uid, title=f"Projector lamp {uid}"))
    private = tickets.triaged(ticket_body(uid, title=f"Projector badge {uid}", private=True))
    queue = f"{api.base_url}/api/v1/queue"

    def public_search(words: str) -> dict:
        r = requests.get(queue, params={"q": words}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def indexed():  # both, as staff find them: the private one is in the index too
        r = requests.get(
            f"{api.base_url}/api/v1/tickets",
            params={"q": f"projector {uid}"},
            headers=api.headers("mira"),
            timeout=10,
        )
        return len(r.json()["tickets"]) == 2 and public_search(f"projector {uid}")["tickets"]

    listed = eventually(indexed, timeout=20, what="the searches to find both tickets")
    assert [t["number"] for t in listed] == [public.number]
    for words in (f"badge {uid}", str(private.number)):
        hidden = public_search(words)
        assert hidden["tickets"] == [] and hidden["total"] is None  # not even a count
